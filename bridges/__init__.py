"""Import/export bridges: spreadsheet resources and jobs, the ERP connector, outbox and inbox."""
