// The live playground: TensorFlow Playground's controls around a network that nn trains in the
// Python worker (live_runtime.Playground). The worker trains in slices of about 80 ms; after
// each slice the page redraws the decision boundary, every unit's heatmap, the weights and the
// loss curve from the weights it gets back. window.live drives it as a learner does:
//   await live.ready;  await live.train({dataset: "xor", hidden: [8, 8], epochs: 100, ...})
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const py = new LivePython("../");
  const RES = 50;  // the decision boundary's grid (RES x RES), also each unit's heatmap
  const DOMAIN = 6;  // the plane shown: [-6, 6]^2
  const SLICE = 0.07;  // seconds of training between two pictures
  const LRS = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
  const REGRATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
  const FEATURES = [["x1", "x\u2081"], ["x2", "x\u2082"], ["x1^2", "x\u2081\u00b2"],
                    ["x2^2", "x\u2082\u00b2"], ["x1x2", "x\u2081x\u2082"],
                    ["sin(x1)", "sin(x\u2081)"], ["sin(x2)", "sin(x\u2082)"]];
  const FEATURE_FN = {"x1": (a, b) => a, "x2": (a, b) => b, "x1^2": (a, b) => a * a,
                      "x2^2": (a, b) => b * b, "x1x2": (a, b) => a * b,
                      "sin(x1)": (a) => Math.sin(a), "sin(x2)": (a, b) => Math.sin(b)};
  const ACT = {tanh: Math.tanh, relu: (v) => (v > 0 ? v : 0),
               sigmoid: (v) => 1 / (1 + Math.exp(-v)), linear: (v) => v};
  const BLUE = [8, 119, 189], ORANGE = [245, 147, 34];

  const state = {hidden: [4, 2], features: ["x1", "x2"], net: null, train: [], test: [],
                 history: [], epoch: 0, playing: false, generation: 0, seed: 1, unit: null};

  // ---- controls --------------------------------------------------------------------------
  for (const v of LRS) $("lr").append(new Option(String(v), String(v), false, v === 0.03));
  for (const v of REGRATES) $("regrate").append(new Option(String(v), String(v), false, v === 0));
  for (const [name, label] of FEATURES) {
    const box = liveEl("input", {type: "checkbox", value: name});
    box.checked = state.features.includes(name);
    box.onchange = () => {
      const chosen = [...document.querySelectorAll("#features input:checked")].map((b) => b.value);
      if (!chosen.length) { box.checked = true; return; }
      state.features = chosen;
      reset();
    };
    $("features").append(liveEl("label", {}, box, " " + label));
  }
  function settings() {
    const reg = $("reg").value, rate = +$("regrate").value;
    return {dataset: document.querySelector("input[name=dataset]:checked").value,
            noise: +$("noise").value / 100, ratio: +$("ratio").value / 100,
            batch: +$("batch").value, features: state.features, hidden: state.hidden,
            activation: $("activation").value, lr: +$("lr").value,
            l1: reg === "l1" ? rate : 0, l2: reg === "l2" ? rate : 0,
            points: +$("points").value, seed: state.seed, engine: $("engine").value};
  }
  function showSettings(s) {
    const ds = {spirals: "spiral", gaussian: "gauss", gaussians: "gauss"}[s.dataset] || s.dataset;
    const radio = document.querySelector(`input[name=dataset][value="${ds}"]`);
    if (radio) radio.checked = true;
    if (s.noise !== undefined) $("noise").value = Math.round(s.noise * 100);
    if (s.ratio !== undefined) $("ratio").value = Math.round(s.ratio * 100);
    if (s.batch !== undefined) $("batch").value = s.batch;
    if (s.activation) $("activation").value = s.activation;
    if (s.engine) $("engine").value = s.engine === "eager" ? "eager" : "auto";
    if (s.lr !== undefined) {
      if (![...$("lr").options].some((o) => +o.value === s.lr)) $("lr").append(new Option(String(s.lr), String(s.lr)));
      $("lr").value = String([...$("lr").options].find((o) => +o.value === s.lr).value);
    }
    if (s.points !== undefined) {
      if (![...$("points").options].some((o) => +o.value === s.points)) $("points").append(new Option(String(s.points)));
      $("points").value = String(s.points);
    }
    if (s.hidden) state.hidden = s.hidden.slice();
    if (s.features) {
      state.features = s.features.slice();
      document.querySelectorAll("#features input").forEach((b) => { b.checked = state.features.includes(b.value); });
    }
    if (s.seed !== undefined) state.seed = s.seed;
    const reg = s.l1 ? "l1" : s.l2 ? "l2" : "none";
    $("reg").value = reg;
    const rate = s.l1 || s.l2 || 0;
    if (![...$("regrate").options].some((o) => +o.value === rate)) $("regrate").append(new Option(String(rate)));
    $("regrate").value = String([...$("regrate").options].find((o) => +o.value === rate).value);
    labels();
    layerControls();
  }
  function labels() {
    $("noise-v").textContent = $("noise").value;
    $("ratio-v").textContent = $("ratio").value + "%";
    $("batch-v").textContent = $("batch").value;
  }
  function layerControls() {
    $("n-layers").textContent = String(state.hidden.length);
    const box = $("unit-controls");
    box.replaceChildren();
    state.hidden.forEach((n, i) => {
      const minus = liveEl("button", {title: `fewer units in layer ${i + 1}`, text: "\u2212"});
      const plus = liveEl("button", {title: `more units in layer ${i + 1}`, text: "+"});
      minus.onclick = () => { if (state.hidden[i] > 1) { state.hidden[i]--; layerControls(); reset(); } };
      plus.onclick = () => { if (state.hidden[i] < 8) { state.hidden[i]++; layerControls(); reset(); } };
      box.append(liveEl("span", {class: "layer-controls"}, ` layer ${i + 1}:`, minus,
                        liveEl("span", {text: String(n)}), plus));
    });
  }
  $("layer-minus").onclick = () => { if (state.hidden.length > 0) { state.hidden.pop(); layerControls(); reset(); } };
  $("layer-plus").onclick = () => { if (state.hidden.length < 6) { state.hidden.push(2); layerControls(); reset(); } };
  document.querySelectorAll("input[name=dataset]").forEach((r) => { r.onchange = () => reset(); });
  for (const id of ["noise", "ratio", "points", "activation", "engine"]) $(id).onchange = () => { labels(); reset(); };
  for (const id of ["noise", "ratio", "batch"]) $(id).oninput = labels;
  for (const id of ["lr", "batch", "reg", "regrate"]) $(id).onchange = () => { labels(); update(); };
  $("regen").onclick = () => { state.seed += 1; reset(); };
  $("reset").onclick = () => reset();
  $("play").onclick = () => (state.playing ? pause() : play());
  $("step").onclick = () => { pause(); stepOnce(); };
  labels();
  layerControls();

  // ---- talking to the worker ------------------------------------------------------------
  const call = (method, args) => py.call("playground", method, JSON.stringify(args || {}));
  function status(kind, text) { $("status").dataset.state = kind; $("status").textContent = text; }

  function apply(s, fresh) {
    if (!s || s.stopped) return;
    state.net = s.layers;
    state.epoch = s.epoch;
    state.activation = s.activation;
    state.netFeatures = s.features;
    state.engine = s.engine;
    if (fresh) {
      state.train = s.train;
      state.test = s.test;
      state.history = s.history.slice();
    } else if (s.new_history) {
      state.history.push(...s.new_history);
    }
    $("code").textContent = s.code;
    $("readout").textContent = `epoch ${s.epoch}   training loss ${s.train_loss.toFixed(3)}   ` +
      `test loss ${s.test_loss.toFixed(3)}   (${s.engine} engine)`;
    document.body.dataset.epoch = String(s.epoch);
  }

  async function reset(s) {
    const gen = ++state.generation;
    const r = await call("reset", s || settings());
    if (gen !== state.generation) return r;
    apply(r, true);
    draw();
    $("source").textContent = (await call("source")).source || "(training eagerly: no program)";
    $("source-box").hidden = r.engine !== "compiled";
    if (state.unit) showUnit(state.unit.layer, state.unit.unit, state.unit.example);
    return r;
  }
  async function update() {
    const s = settings();
    apply(await call("update", {lr: s.lr, batch: s.batch, l1: s.l1, l2: s.l2}));
  }
  async function stepOnce() {
    const gen = state.generation;
    const r = await call("step", {epochs: 1});
    if (gen === state.generation) { apply(r); draw(); }
  }
  let loopDone = Promise.resolve();
  function play() {
    if (state.playing) return;
    state.playing = true;
    $("play").innerHTML = "&#x23F8; pause";
    loopDone = (async () => {
      // the next slice is asked for before this one is drawn: the worker trains while the
      // page draws
      let gen = state.generation;
      let pending = call("step", {epochs: 0, seconds: SLICE});
      while (pending) {
        const r = await pending;
        if (r.stopped) break;
        const fresh = gen === state.generation;
        gen = state.generation;
        pending = state.playing ? call("step", {epochs: 0, seconds: SLICE}) : null;
        if (fresh) { apply(r); draw(); }
      }
    })();
  }
  function pause() {
    state.playing = false;
    $("play").innerHTML = "&#x25B6; play";
    return loopDone;
  }

  // ---- the network's forward pass on the grid (the pictures) -----------------------------
  function gridActivations() {
    const feats = (state.netFeatures || state.features).map((f) => FEATURE_FN[f]);
    const act = ACT[state.activation] || Math.tanh;
    const layers = state.net;
    const n = RES * RES;
    const inputs = feats.map(() => new Float32Array(n));
    const outs = layers.map((L) => L.b.map(() => new Float32Array(n)));
    let h = new Float64Array(16), next = new Float64Array(16);
    for (let r = 0; r < RES; r++) {
      const x2 = DOMAIN - (2 * DOMAIN * (r + 0.5)) / RES;
      for (let c = 0; c < RES; c++) {
        const x1 = -DOMAIN + (2 * DOMAIN * (c + 0.5)) / RES;
        const k = r * RES + c;
        let width = feats.length;
        for (let i = 0; i < width; i++) { h[i] = feats[i](x1, x2); inputs[i][k] = h[i]; }
        for (let l = 0; l < layers.length; l++) {
          const {w, b} = layers[l];
          const last = l === layers.length - 1;
          for (let j = 0; j < b.length; j++) {
            let z = b[j];
            const wj = w[j];
            for (let i = 0; i < width; i++) z += wj[i] * h[i];
            next[j] = last ? z : act(z);
            outs[l][j][k] = next[j];
          }
          [h, next] = [next, h];
          width = b.length;
        }
      }
    }
    return {inputs, outs};
  }
  function colour(v) {  // -1 orange .. 0 white .. +1 blue
    const t = Math.max(-1, Math.min(1, v));
    const c = t < 0 ? ORANGE : BLUE, a = Math.abs(t);
    return [255 + (c[0] - 255) * a, 255 + (c[1] - 255) * a, 255 + (c[2] - 255) * a];
  }
  const scratch = document.createElement("canvas");
  scratch.width = scratch.height = RES;
  const sctx = scratch.getContext("2d");
  const img = sctx.createImageData(RES, RES);
  function paint(values, transform) {
    for (let k = 0; k < values.length; k++) {
      const [r, g, b] = colour(transform(values[k]));
      img.data[4 * k] = r; img.data[4 * k + 1] = g; img.data[4 * k + 2] = b; img.data[4 * k + 3] = 255;
    }
    sctx.putImageData(img, 0, 0);
    return scratch;
  }
  const sigmoid = (z) => 1 / (1 + Math.exp(-z));
  const toCanvas = (v, size) => ((v + DOMAIN) / (2 * DOMAIN)) * size;

  let redraws = 0;
  function draw() {
    if (!state.net) return;
    const {inputs, outs} = gridActivations();
    drawBoundary(outs[outs.length - 1][0]);
    drawNet(inputs, outs);
    drawCurve();
    redraws++;
    document.body.dataset.redraws = String(redraws);
  }
  function drawBoundary(logits) {
    const cv = $("boundary"), ctx = cv.getContext("2d");
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(paint(logits, (z) => 2 * sigmoid(z) - 1), 0, 0, cv.width, cv.height);
    const dot = (p, test) => {
      const x = toCanvas(p[0], cv.width), y = cv.height - toCanvas(p[1], cv.height);
      ctx.beginPath();
      ctx.arc(x, y, test ? 4 : 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = p[2] ? "#0877bd" : "#f59322";
      ctx.fill();
      ctx.lineWidth = test ? 2 : 1;
      ctx.strokeStyle = test ? "#000" : "#fff";
      ctx.stroke();
    };
    state.train.forEach((p) => dot(p, false));
    state.test.forEach((p) => dot(p, true));
  }
  let unitBoxes = [];
  function drawNet(inputs, outs) {
    const cv = $("net"), ctx = cv.getContext("2d");
    const UNIT = 40, GAP = 14, COL = 100, TOP = 22;
    const columns = [inputs, ...outs];
    const tallest = Math.max(...columns.map((c) => c.length));
    const width = 30 + COL * (columns.length - 1) + UNIT + 30;
    const height = TOP + tallest * (UNIT + GAP) + 10;
    if (cv.width !== width || cv.height !== height) { cv.width = width; cv.height = height; }
    ctx.clearRect(0, 0, cv.width, cv.height);
    const pos = columns.map((c, l) => c.map((_, j) => ({x: 30 + COL * l, y: TOP + j * (UNIT + GAP)})));
    // weights first, under the units
    state.net.forEach((L, l) => L.w.forEach((row, j) => row.forEach((w, i) => {
      const a = pos[l][i], b = pos[l + 1][j];
      ctx.beginPath();
      ctx.moveTo(a.x + UNIT, a.y + UNIT / 2);
      ctx.lineTo(b.x, b.y + UNIT / 2);
      ctx.strokeStyle = w >= 0 ? "rgba(8,119,189,0.75)" : "rgba(245,147,34,0.75)";
      ctx.lineWidth = Math.min(8, 0.3 + 1.5 * Math.abs(w));
      ctx.stroke();
    })));
    ctx.font = "12px system-ui, sans-serif";
    ctx.fillStyle = "#444";
    ctx.fillText("features", 30, 12);
    outs.forEach((_, l) => ctx.fillText(l === outs.length - 1 ? "output" : `layer ${l + 1}`, 30 + COL * (l + 1), 12));
    unitBoxes = [];
    ctx.imageSmoothingEnabled = true;
    columns.forEach((col, l) => col.forEach((values, j) => {
      const {x, y} = pos[l][j];
      const last = l === columns.length - 1;
      const transform = l === 0 ? (v) => v / DOMAIN : last ? (z) => 2 * sigmoid(z) - 1 : (v) => v;
      ctx.drawImage(paint(values, transform), x, y, UNIT, UNIT);
      ctx.lineWidth = 1;
      const chosen = state.unit && l > 0 && state.unit.layer === l - 1 && state.unit.unit === j;
      ctx.strokeStyle = chosen ? "#d00" : "#999";
      ctx.lineWidth = chosen ? 3 : 1;
      ctx.strokeRect(x + 0.5, y + 0.5, UNIT - 1, UNIT - 1);
      if (l === 0) {
        ctx.fillStyle = "#222";
        ctx.fillText(FEATURES.find((f) => f[0] === (state.netFeatures || state.features)[j])[1], x - 28, y + UNIT / 2 + 4);
      } else {
        unitBoxes.push({x, y, w: UNIT, h: UNIT, layer: l - 1, unit: j});
      }
    }));
  }
  function drawCurve() {
    const cv = $("curve"), ctx = cv.getContext("2d");
    const W = cv.width, H = cv.height, L = 34, B = 18, T = 6, R = 6;
    ctx.clearRect(0, 0, W, H);
    const hist = state.history;
    const n = Math.max(1, hist.length - 1);
    const top = Math.max(0.05, ...hist.map((h) => Math.max(h[0], h[1])).filter(Number.isFinite).slice(0, 2000));
    const x = (i) => L + ((W - L - R) * i) / n;
    const y = (v) => H - B - ((H - B - T) * Math.min(v, top)) / top;
    ctx.strokeStyle = "#888"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(L, T); ctx.lineTo(L, H - B); ctx.lineTo(W - R, H - B); ctx.stroke();
    ctx.fillStyle = "#444"; ctx.font = "11px system-ui, sans-serif";
    ctx.textAlign = "right";
    for (const v of [0, top / 2, top]) { ctx.fillText(v.toFixed(2), L - 3, y(v) + 4); }
    ctx.textAlign = "center";
    ctx.fillText("0", L, H - 4);
    ctx.fillText(`epoch ${hist.length - 1}`, W - 40, H - 4);
    ctx.fillText("loss", L + 20, T + 8);
    ctx.textAlign = "left";
    const line = (k, colour, dash) => {
      ctx.beginPath(); ctx.setLineDash(dash); ctx.strokeStyle = colour; ctx.lineWidth = 1.5;
      hist.forEach((h, i) => (i ? ctx.lineTo(x(i), y(h[k])) : ctx.moveTo(x(i), y(h[k]))));
      ctx.stroke(); ctx.setLineDash([]);
    };
    line(0, "#222", []);
    line(1, "#0877bd", [4, 3]);
  }

  // ---- a unit's computational graph ------------------------------------------------------
  async function showUnit(layer, unit, example) {
    state.unit = {layer, unit, example};
    const g = await call("unit_graph", {layer, unit, example});
    if (!g || g.stopped) return;
    const last = layer === state.net.length - 1;
    $("unit-panel").hidden = false;
    $("unit-title").textContent = `${last ? "The output" : "Unit " + g.name}, for one training example`;
    $("unit-info").textContent = `example #${example}: x1 = ${g.example.x1.toFixed(2)}, ` +
      `x2 = ${g.example.x2.toFixed(2)}, label ${g.example.label}; its loss ` +
      `${g.loss.toFixed(4)}. The upstream gradient d loss / d ${g.name} = ` +
      `${g.upstream.toPrecision(4)} comes from backward() through the layers after it; each ` +
      `edge shows local \u00d7 upstream = what it sends.`;
    $("unit-graph").innerHTML = await renderDot(g.dot);
    draw();
  }
  $("net").addEventListener("click", (e) => {
    const r = $("net").getBoundingClientRect();
    const sx = $("net").width / r.width, sy = $("net").height / r.height;
    const x = (e.clientX - r.left) * sx, y = (e.clientY - r.top) * sy;
    const hit = unitBoxes.find((b) => x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h);
    if (hit) showUnit(hit.layer, hit.unit, 0).then(() => $("unit-panel").scrollIntoView({block: "nearest"}));
  });
  $("unit-next").onclick = () => state.unit && showUnit(state.unit.layer, state.unit.unit, state.unit.example + 1);
  $("unit-close").onclick = () => { state.unit = null; $("unit-panel").hidden = true; draw(); };

  // ---- start, and the API for tests and benchmarks ---------------------------------------
  py.on((what, m) => {
    if (what === "ready") {
      status("ready", `Python ${m.versions.python} ready (loaded in ${m.seconds.toFixed(1)} s).`);
      $("play").disabled = $("step").disabled = false;
    } else if (what === "failed") {
      status("failed", "Python could not start: " + m.failed);
    }
  });
  const first = py.ready.then(() => reset());
  first.catch(() => {});

  window.live = {
    get ready() { return first.then(() => true); },
    async train(s) {
      await first;
      await pause();
      showSettings(s);
      const st = await reset(Object.assign(settings(), s));
      const lossFirst = st.train_loss;
      const target = s.epochs || 100;
      const t0 = performance.now();
      const before = redraws;
      let last = st;
      // as in play: the next slice is asked for before this one is drawn
      let pending = target > st.epoch ? call("step", {epochs: target - st.epoch, seconds: SLICE}) : null;
      while (pending) {
        const r = await pending;
        if (r.stopped) break;
        last = r;
        pending = r.epoch < target ? call("step", {epochs: target - r.epoch, seconds: SLICE}) : null;
        apply(r);
        draw();
      }
      const seconds = (performance.now() - t0) / 1000;
      const summary = await call("summary");
      const n = redraws - before;
      return {epochs: state.epoch, seconds, loss_first: lossFirst, loss_last: last.train_loss,
              test_loss_last: last.test_loss, test_accuracy: summary.test_accuracy,
              train_accuracy: summary.train_accuracy, engine: last.engine, redraws: n,
              redraws_per_second: n / seconds, epochs_per_second: state.epoch / seconds,
              boundary: `${RES}x${RES}`};
    },
    play, pause, showUnit, python: py,
  };
})();
