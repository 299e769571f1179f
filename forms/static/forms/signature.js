/* Signature pad of the forms engine (forms/widgets.py SignatureWidget).
 *
 * Draws with pointer events (mouse, finger, stylus; mouse and touch events where pointer events
 * are missing) and keeps the drawing in the hidden input as a PNG data URL, which the server
 * checks and stores as signature.png. "Clear" empties the pad and the input. After a refused post
 * the posted drawing is painted again.
 */
(function () {
  "use strict";

  var PREFIX = "data:image/png;base64,";

  function setUp(root) {
    if (root.getAttribute("data-signature-ready")) {
      return;
    }
    root.setAttribute("data-signature-ready", "1");
    var pad = root.querySelector("[data-signature-pad]");
    var input = root.querySelector("[data-signature-input]");
    var clear = root.querySelector("[data-signature-clear]");
    var status = root.querySelector("[data-signature-status]");
    var context = pad.getContext("2d");
    var drawing = false;
    var last = null;

    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#111";

    function point(event) {
      var box = pad.getBoundingClientRect();
      var source = event.touches && event.touches.length ? event.touches[0] : event;
      return {
        x: ((source.clientX - box.left) * pad.width) / box.width,
        y: ((source.clientY - box.top) * pad.height) / box.height,
      };
    }

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function start(event) {
      if (event.button !== undefined && event.button !== 0) {
        return;
      }
      event.preventDefault();
      drawing = true;
      last = point(event);
      context.beginPath();
      context.arc(last.x, last.y, context.lineWidth / 2, 0, 2 * Math.PI);
      context.fillStyle = context.strokeStyle;
      context.fill();
      if (event.pointerId !== undefined && pad.setPointerCapture) {
        pad.setPointerCapture(event.pointerId);
      }
    }

    function move(event) {
      if (!drawing) {
        return;
      }
      event.preventDefault();
      var next = point(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
    }

    function end() {
      if (!drawing) {
        return;
      }
      drawing = false;
      input.value = pad.toDataURL("image/png");
      input.dispatchEvent(new Event("change", { bubbles: true }));
      say(pad.getAttribute("data-signed-text") || "");
    }

    if (window.PointerEvent) {
      pad.addEventListener("pointerdown", start);
      pad.addEventListener("pointermove", move);
      pad.addEventListener("pointerup", end);
      pad.addEventListener("pointercancel", end);
    } else {
      pad.addEventListener("mousedown", start);
      pad.addEventListener("mousemove", move);
      window.addEventListener("mouseup", end);
      pad.addEventListener("touchstart", start, { passive: false });
      pad.addEventListener("touchmove", move, { passive: false });
      pad.addEventListener("touchend", end);
      pad.addEventListener("touchcancel", end);
    }

    clear.addEventListener("click", function () {
      context.clearRect(0, 0, pad.width, pad.height);
      input.value = "";
      input.dispatchEvent(new Event("change", { bubbles: true }));
      say(clear.getAttribute("data-cleared-text") || "");
      pad.focus();
    });

    if (input.value.indexOf(PREFIX) === 0) {
      var image = new Image();
      image.onload = function () {
        context.drawImage(image, 0, 0, pad.width, pad.height);
      };
      image.src = input.value;
    }
  }

  function setUpAll() {
    var roots = document.querySelectorAll("[data-signature]");
    for (var i = 0; i < roots.length; i++) {
      setUp(roots[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
