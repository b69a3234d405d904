// Shared by the live pages (a classic script: lesson pages load it too, even from files).
//   const py = new LivePython(root)   // root: the site's top, relative ("../")
//   await py.ready; const r = await py.call("run_lab", code); py.stop();
//   const svg = await renderDot(dot)  // Graphviz compiled to WebAssembly (@viz-js/viz)
(function () {
  "use strict";

  class LivePython {
    constructor(root) {
      this.root = root;
      this.listeners = [];
      this.start();
    }

    start() {
      this.generation = (this.generation || 0) + 1;
      this.inflight = 0;
      this.pending = new Map();
      this.nextId = 1;
      this.loadedIn = null;
      this.worker = new Worker(this.root + "live/worker.js", { type: "module" });
      this.ready = new Promise((resolve, reject) => {
        this.worker.onmessage = (event) => {
          const m = event.data;
          if (m.ready) {
            this.loadedIn = m.seconds;
            this.timings = m.timings;
            this.versions = m.versions;
            resolve(m);
            this.listeners.forEach((f) => f("ready", m));
          } else if (m.failed) {
            reject(new Error(m.failed));
            this.listeners.forEach((f) => f("failed", m));
          } else if (this.pending.has(m.id)) {
            const p = this.pending.get(m.id);
            this.pending.delete(m.id);
            if (m.ok) p.resolve(m.result); else p.reject(new Error(m.error));
          }
        };
        this.worker.onerror = (event) => {
          event.preventDefault();
          const err = new Error(event.message || "the Python worker failed to start");
          reject(err);
          this.listeners.forEach((f) => f("failed", { failed: err.message }));
        };
      });
      this.ready.catch(() => {});
    }

    on(listener) { this.listeners.push(listener); }

    call(name, ...args) {
      const generation = this.generation;
      this.inflight++;
      const answer = this.ready.then(() => new Promise((resolve, reject) => {
        const id = this.nextId++;
        this.pending.set(id, { resolve, reject });
        this.worker.postMessage({ id, call: name, args });
      }));
      const settle = () => {
        if (generation !== this.generation) return;
        this.inflight--;
        this.listeners.forEach((f) => f("idle", {}));
      };
      answer.then(settle, settle);
      return answer;
    }

    get busy() { return this.inflight > 0; }

    // Stop whatever Python is doing: end the worker, start a fresh one. Calls in flight
    // resolve to {stopped: true}.
    stop() {
      this.worker.terminate();
      for (const p of this.pending.values()) p.resolve({ stopped: true });
      this.start();
      this.listeners.forEach((f) => f("restarting", {}));
      return this.ready;
    }
  }

  let vizPromise = null;
  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error("could not load " + src));
      document.head.appendChild(s);
    });
  }

  function loadViz(root) {
    if (window.Viz) return Promise.resolve();
    // viz-global.js is UMD: where require.js is loaded (lesson pages) it would register as an
    // AMD module instead of window.Viz, so define is hidden while it runs
    const define = window.define;
    window.define = undefined;
    return loadScript((root || window.LIVE_ROOT || "../") + "_static/vendor/viz/viz-global.js")
      .finally(() => { window.define = define; });
  }

  function renderDot(dot, root) {
    if (!vizPromise) vizPromise = loadViz(root).then(() => window.Viz.instance());
    return vizPromise.then((viz) => viz.renderString(dot, { format: "svg" }));
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c);
    return e;
  }

  // Graphviz (WebAssembly) starts loading at once, while Python loads in the worker
  function warmGraphviz(root) {
    if (!vizPromise) vizPromise = loadViz(root).then(() => window.Viz.instance());
    vizPromise.catch(() => {});
  }

  window.LivePython = LivePython;
  window.warmGraphviz = warmGraphviz;
  window.renderDot = renderDot;
  window.liveEl = el;
})();
