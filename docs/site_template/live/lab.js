// The lab: an editor, Run / Stop, the output, the graph of the last Value assigned and its
// backward step-through, and lesson 7's checker. window.live drives it as a learner does:
//   await live.ready;  const r = await live.run(code);   // {stdout, error, line, svg, ...}
//   await live.check(code);                               // {stdout, error, right}
//   live.stop();                                          // ends running code, restarts Python
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const py = new LivePython("../");
  warmGraphviz("../");
  const status = $("status");

  function editor(textarea, run) {
    if (!window.CodeMirror) {
      return { get: () => textarea.value, set: (v) => { textarea.value = v; }, mark: () => {},
               clear: () => {} };
    }
    const cm = CodeMirror.fromTextArea(textarea, {
      mode: "python", lineNumbers: true, matchBrackets: true, indentUnit: 4,
      viewportMargin: Infinity,
      extraKeys: { "Ctrl-Enter": run, "Cmd-Enter": run, Tab: (c) => c.replaceSelection("    ") },
    });
    let marked = null;
    return {
      cm,
      get: () => cm.getValue(),
      set: (v) => cm.setValue(v),
      mark: (line) => { marked = cm.addLineClass(line - 1, "background", "error-line"); },
      clear: () => { if (marked) cm.removeLineClass(marked, "background", "error-line"); marked = null; },
    };
  }

  // lab.html#code=... (a lesson's "open in the lab" link) opens with that code
  if (location.hash.startsWith("#code=")) {
    try { $("code").value = decodeURIComponent(location.hash.slice(6)); } catch (e) { /* keep */ }
  }
  const lab = editor($("code"), () => runClicked());
  const byo = editor($("byo-code"), () => checkClicked());

  function setStatus(state, text) { status.dataset.state = state; status.textContent = text; }
  function buttons() {
    const up = status.dataset.state === "ready";
    $("run").disabled = !up || py.busy;
    $("check").disabled = !up || py.busy;
    $("stop").disabled = !py.busy;
    $("byo-stop").disabled = !py.busy;
  }
  function onReady(m) {
    setStatus("ready", `Python ${m.versions.python} ready (loaded in ${m.seconds.toFixed(1)} s).`);
    buttons();
  }
  py.on((what, m) => {
    if (what === "ready") onReady(m);
    else if (what === "failed") setStatus("failed", "Python could not start: " + m.failed +
      (location.protocol === "file:" ? " (browsers refuse workers from files: serve this " +
       "folder, e.g. python -m http.server, and open it from http://127.0.0.1:8000/)" : ""));
    else if (what === "restarting") setStatus("loading", "Stopped. Restarting Python\u2026");
    buttons();
  });

  // ---- the step-through ----------------------------------------------------------------
  const steps = { frames: [], i: 0, svgs: [], timer: null };
  function showFrame(i) {
    const n = steps.frames.length;
    if (!n) return;
    steps.i = Math.max(0, Math.min(n - 1, i));
    const f = steps.frames[steps.i];
    $("counter").textContent = `step ${steps.i + 1} / ${n}`;
    $("caption").textContent = f.caption;
    $("edges").replaceChildren(...f.edges.map((e) => liveEl("li", { text: e })));
    document.body.dataset.frame = String(steps.i);
    const want = steps.i;
    (steps.svgs[want] || (steps.svgs[want] = renderDot(f.dot))).then((svg) => {
      if (steps.i === want) $("frame").innerHTML = svg;
    });
  }
  function play(on) {
    clearInterval(steps.timer);
    steps.timer = null;
    if (on) {
      if (steps.i >= steps.frames.length - 1) showFrame(0);
      steps.timer = setInterval(() => {
        if (steps.i >= steps.frames.length - 1) play(false); else showFrame(steps.i + 1);
      }, 1200);
    }
    $("play").innerHTML = on ? "&#x23F8; pause" : "&#x25B6; play";
  }
  $("first").onclick = () => { play(false); showFrame(0); };
  $("prev").onclick = () => { play(false); showFrame(steps.i - 1); };
  $("next").onclick = () => { play(false); showFrame(steps.i + 1); };
  $("last").onclick = () => { play(false); showFrame(steps.frames.length - 1); };
  $("play").onclick = () => play(!steps.timer);
  document.addEventListener("keydown", (e) => {
    if (!steps.frames.length || e.target.closest(".CodeMirror, textarea, input, button")) return;
    const keys = { ArrowRight: () => showFrame(steps.i + 1), ArrowLeft: () => showFrame(steps.i - 1),
                   Home: () => showFrame(0), End: () => showFrame(steps.frames.length - 1),
                   " ": () => play(!steps.timer) };
    if (keys[e.key]) { e.preventDefault(); if (e.key !== " ") play(false); keys[e.key](); }
  });

  // ---- running -------------------------------------------------------------------------
  async function run(code) {
    lab.clear();
    $("error").hidden = true;
    $("stdout").textContent = "";
    setStatus("running", "Running\u2026");
    const t0 = performance.now();
    // narrow windows get the graph top to bottom: left to right it would shrink illegibly
    const call = py.call("run_lab", code, window.innerWidth < 700 ? "TB" : "LR");
    buttons();
    const r = await call;
    const seconds = (performance.now() - t0) / 1000;
    if (r.stopped) {
      $("stdout").textContent = "";
      $("error").hidden = false;
      $("error").textContent = "Stopped: the code ran until you pressed Stop.";
      buttons();
      return { stdout: "", error: "stopped", line: null, svg: null, stopped: true };
    }
    setStatus("ready", "Ready.");
    $("stdout").textContent = r.stdout;
    if (r.error) {
      $("error").hidden = false;
      $("error").textContent = r.error.text;
      if (r.error.line) lab.mark(r.error.line);
    }
    const g = r.graph;
    const names = r.values || [];
    $("pick").replaceChildren(...names.map((n) => new Option(n, n, false, g && n === g.name)));
    $("pick-box").hidden = names.length < 2;
    const svg = await showGraph(g);
    $("timing").textContent = `ran in ${seconds.toFixed(2)} s`;
    document.body.dataset.runs = String(+(document.body.dataset.runs || 0) + 1);
    // navigation to the first result drawn, in ms (read by benchmarks/bench_live.py)
    if (!document.body.dataset.firstResultMs) {
      document.body.dataset.firstResultMs = String(Math.round(performance.now()));
      document.body.dataset.pythonSeconds = String(py.loadedIn);
      document.body.dataset.pythonTimings = JSON.stringify(py.timings || {});
    }
    buttons();
    return { stdout: r.stdout, error: r.error ? r.error.text : null,
             line: r.error ? r.error.line : null, svg, values: names,
             name: g ? g.name : null, frames: g ? g.frames.length : 0, seconds };
  }

  // the graph of one Value (and its step-through); returns its SVG or null
  async function showGraph(g) {
    play(false);
    if (g && g.dot) {
      $("graph-title").textContent = `Graph of ${g.name}`;
      const svg = await renderDot(g.dot);
      $("graph").innerHTML = svg;
      if (g.note) $("graph").append(liveEl("p", { class: "muted", text: g.note }));
      steps.frames = g.frames;
      steps.svgs = [];
      $("steps").hidden = !g.frames.length;
      $("steps-name").textContent = g.name;
      if (g.frames.length) showFrame(0);
      return svg;
    }
    $("graph-title").textContent = "Graph";
    $("graph").replaceChildren(liveEl("p", { class: "muted", text: g && g.note ? g.note :
      "No Value assigned: assign one (f = ...) to see its graph." }));
    $("steps").hidden = true;
    steps.frames = [];
    return null;
  }

  async function draw(name) {
    const g = await py.call("lab_graph", name, window.innerWidth < 700 ? "TB" : "LR");
    if (g.stopped) return null;
    $("pick").value = name;
    return showGraph(g);
  }
  $("pick").onchange = () => draw($("pick").value);

  async function check(code) {
    $("byo-out").textContent = "";
    $("verdict").textContent = "checking\u2026";
    const call = py.call("check_exercise", code, "07.value_class", "MyValue");
    buttons();
    const r = await call;
    buttons();
    if (r.stopped) {
      $("verdict").textContent = "stopped";
      return { stdout: "", error: "stopped", right: false, stopped: true };
    }
    setStatus("ready", "Ready.");
    $("byo-out").textContent = r.stdout + (r.error ? "\n" + r.error.text : "");
    $("verdict").textContent = r.right ? "right" : "not yet";
    $("verdict").dataset.right = String(r.right);
    buttons();
    return { stdout: r.stdout, error: r.error ? r.error.text : null, right: r.right };
  }

  function runClicked() { if (!$("run").disabled) run(lab.get()); }
  function checkClicked() { if (!$("check").disabled) check(byo.get()); }
  $("run").onclick = runClicked;
  $("check").onclick = checkClicked;
  $("stop").onclick = () => py.stop();
  $("byo-stop").onclick = () => py.stop();

  window.live = {
    get ready() { return py.ready.then(() => true); },
    run(code) { if (code !== undefined) lab.set(code); return run(lab.get()); },
    check(code) { if (code !== undefined) byo.set(code); return check(byo.get()); },
    stop() { return py.stop().then(() => true); },
    draw,  // draw(name): the graph of another Value of the last run; its SVG
    python: py,
  };
  // the prefilled example runs once Python is up, so the page opens on a drawn graph
  py.ready.then(() => { if (!document.body.dataset.runs) runClicked(); }, () => {});
})();
