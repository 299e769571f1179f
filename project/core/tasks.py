import os

from huey.contrib.djhuey import task


@task()
def ping(token: str) -> dict:
    """Answer from a worker: proves a task went through the queue and back."""
    return {"token": token, "pid": os.getpid()}
