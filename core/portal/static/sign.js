// Signature pad for the report signing page. Without JavaScript the page takes
// the typed full name as the signature; with it, the customer can also draw.
(function () {
  "use strict";
  var box = document.getElementById("draw");
  var form = document.getElementById("sign-form");
  if (!box || !form) { return; }
  var canvas = document.getElementById("pad");
  var input = document.getElementById("signature_png");
  var hint = document.getElementById("draw-hint");
  box.hidden = false;
  var ctx = canvas.getContext("2d");
  var inked = false, drawing = false, last = null;

  function setup() {
    var r = canvas.getBoundingClientRect();
    var ratio = Math.min(window.devicePixelRatio || 1, 2);
    canvas.width = Math.max(1, Math.round(r.width * ratio));
    canvas.height = Math.max(1, Math.round(r.height * ratio));
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
    ctx.fillStyle = "#111";
    inked = false;
  }
  function pos(e) {
    var r = canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }
  canvas.addEventListener("pointerdown", function (e) {
    e.preventDefault();
    if (canvas.setPointerCapture) { canvas.setPointerCapture(e.pointerId); }
    drawing = true;
    last = pos(e);
    ctx.beginPath();
    ctx.arc(last.x, last.y, 1.25, 0, 2 * Math.PI);
    ctx.fill();
    inked = true;
  });
  canvas.addEventListener("pointermove", function (e) {
    if (!drawing) { return; }
    e.preventDefault();
    var p = pos(e);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last = p;
    inked = true;
  });
  ["pointerup", "pointercancel"].forEach(function (t) {
    canvas.addEventListener(t, function () { drawing = false; });
  });
  document.getElementById("clear").addEventListener("click", function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    inked = false;
    input.value = "";
  });
  form.addEventListener("submit", function (e) {
    if (!inked) {
      e.preventDefault();
      hint.hidden = false;
      canvas.focus();
      return;
    }
    input.value = canvas.toDataURL("image/png");
  });
  setup();
})();
