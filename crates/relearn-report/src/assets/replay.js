// The mirror: animates the skeletons of the static SVG views from the JSON in #replay-data.
// Plain ES5, no libraries, no network. On load it marks <html data-replay="ready"> (or
// "error"), which the crate's tests read back from a headless browser.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  function status(msg) {
    var el = document.getElementById("replay-moment");
    if (el) { el.textContent = msg; }
  }
  function fail(msg) {
    root.setAttribute("data-replay", "error");
    root.classList.remove("js");
    status("The replay could not start (" + msg + ").");
  }
  window.addEventListener("error", function (ev) { fail(ev.message || "script error"); });
  // Printing shows every collapsible section.
  window.addEventListener("beforeprint", function () {
    var ds = document.querySelectorAll("details");
    for (var i = 0; i < ds.length; i++) { ds[i].open = true; }
  });

  var src = document.getElementById("replay-data");
  var d;
  try { d = JSON.parse(src ? src.textContent : "null"); } catch (e) { d = null; }
  if (!d || !d.patient || !d.patient.length || !d.views) {
    root.setAttribute("data-replay", "empty");
    root.classList.remove("js");
    return;
  }

  // Frames are delta-encoded (see `delta_encode` in replay.rs): a value is the change from the
  // previous frame's when both exist, else the value itself.
  function decode(frames) {
    var prev = null;
    for (var f = 0; f < frames.length; f++) {
      var cur = frames[f];
      if (cur && prev) {
        for (var k = 0; k < cur.length; k++) {
          if (cur[k] !== null && prev[k] !== null && prev[k] !== undefined) { cur[k] += prev[k]; }
        }
      }
      prev = cur;
    }
  }
  decode(d.patient);
  if (d.template) { decode(d.template); }

  var n = d.patient.length, J = d.joints, B = d.bones, fps = d.fps || 30;
  var views = [];
  for (var v = 0; v < d.views.length; v++) {
    var svg = document.getElementById(d.views[v].id);
    if (!svg) { continue; }
    views.push({
      axis: d.views[v].axis,
      tpl: svg.querySelectorAll("g.tpl line"),
      pat: svg.querySelectorAll("g.pat line"),
      jts: svg.querySelectorAll("g.jts circle"),
      ring: svg.querySelector("circle.ring")
    });
  }
  var slider = document.getElementById("replay-slider");
  var playBtn = document.getElementById("replay-play");
  var speedSel = document.getElementById("replay-speed");
  var clock = document.getElementById("replay-time");
  var repText = document.getElementById("replay-rep");
  var momentText = document.getElementById("replay-moment");
  slider.max = String(n - 1);

  // Screen coordinates of joint j: the view's horizontal axis, and up drawn upwards.
  function pt(frame, j, axis) {
    if (!frame) { return null; }
    var h = frame[3 * j + axis], u = frame[3 * j + 2];
    if (h === null || u === null || h === undefined || u === undefined) { return null; }
    return [h, -u];
  }
  function show(el, on) { el.setAttribute("visibility", on ? "visible" : "hidden"); }
  function setLine(el, frame, bone, axis) {
    var p = pt(frame, bone[0], axis), q = pt(frame, bone[1], axis);
    if (!p || !q) { show(el, false); return; }
    el.setAttribute("x1", p[0]); el.setAttribute("y1", p[1]);
    el.setAttribute("x2", q[0]); el.setAttribute("y2", q[1]);
    show(el, true);
  }
  function clockText(t) {
    var m = Math.floor(t / 60), s = t - 60 * m;
    return m + ":" + (s < 10 ? "0" : "") + s.toFixed(1);
  }
  function setText(el, text) { if (el.textContent !== text) { el.textContent = text; } }

  var total = (n - 1) / fps, current = -1;
  function draw(i) {
    i = Math.max(0, Math.min(n - 1, Math.round(i)));
    if (i === current) { return; }
    current = i;
    var t = i / fps, P = d.patient[i], T = d.template ? d.template[i] : null;
    // Repetitions and moments are given in replay frames (a: first, b: past the last).
    var active = [];
    for (var m = 0; m < d.moments.length; m++) {
      if (d.moments[m].a <= i && i < d.moments[m].b) { active.push(d.moments[m]); }
    }
    for (var k = 0; k < views.length; k++) {
      var view = views[k], b, j;
      for (b = 0; b < B.length; b++) {
        setLine(view.pat[b], P, B[b], view.axis);
        setLine(view.tpl[b], T, B[b], view.axis);
      }
      for (j = 0; j < J; j++) {
        var p = pt(P, j, view.axis), c = view.jts[j];
        if (!c) { continue; }
        if (p) { c.setAttribute("cx", p[0]); c.setAttribute("cy", p[1]); }
        show(c, !!p);
      }
      var ringAt = null;
      for (m = 0; m < active.length && !ringAt; m++) {
        if (active[m].j !== null && active[m].j !== undefined) { ringAt = pt(P, active[m].j, view.axis); }
      }
      if (view.ring) {
        if (ringAt) { view.ring.setAttribute("cx", ringAt[0]); view.ring.setAttribute("cy", ringAt[1]); }
        show(view.ring, !!ringAt);
      }
    }
    slider.value = String(i);
    setText(clock, clockText(t) + " / " + clockText(total));
    var rep = "Between repetitions";
    for (var r = 0; r < d.reps.length; r++) {
      if (d.reps[r].a <= i && i < d.reps[r].b) { rep = d.reps[r].text; break; }
    }
    setText(repText, rep);
    var words = [];
    for (m = 0; m < active.length; m++) {
      if (words.indexOf(active[m].text) < 0) { words.push(active[m].text); }
    }
    setText(momentText, words.length ? "\u26A0 " + words.join(" \u00B7 ") : "");
  }

  // A timer rather than requestAnimationFrame: the skeleton needs at most 30 frames per
  // second, and timers also run where no frames are painted (headless checks of the page).
  var playing = false, pos = 0, last = 0, timer = null;
  function stop() {
    playing = false;
    if (timer !== null) { window.clearTimeout(timer); timer = null; }
    playBtn.textContent = "Play";
    playBtn.setAttribute("aria-pressed", "false");
  }
  function tick() {
    timer = null;
    if (!playing) { return; }
    var now = Date.now();
    pos += (now - last) / 1000 * fps * parseFloat(speedSel.value || "1");
    last = now;
    if (pos >= n - 1) { pos = n - 1; draw(pos); stop(); return; }
    draw(pos);
    timer = window.setTimeout(tick, 1000 / fps);
  }
  function play() {
    pos = current >= n - 1 ? 0 : current;
    playing = true;
    last = Date.now();
    playBtn.textContent = "Pause";
    playBtn.setAttribute("aria-pressed", "true");
    timer = window.setTimeout(tick, 1000 / fps);
  }
  function jump(dir) {
    var target = null;
    for (var r = 0; r < d.reps.length; r++) {
      var a = d.reps[r].a;
      if (dir > 0 && a > current && target === null) { target = a; }
      if (dir < 0 && a < current) { target = a; }
    }
    if (target === null) { target = dir > 0 ? n - 1 : 0; }
    pos = target;
    draw(pos);
  }
  playBtn.addEventListener("click", function () { if (playing) { stop(); } else { play(); } });
  slider.addEventListener("input", function () { pos = +slider.value; draw(pos); });
  document.getElementById("replay-prev").addEventListener("click", function () { jump(-1); });
  document.getElementById("replay-next").addEventListener("click", function () { jump(1); });

  draw(d.start || 0);
  pos = current;
  root.setAttribute("data-replay", "ready");
})();
