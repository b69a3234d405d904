// The live pages' Python: Pyodide (bundled from npm) in a module Web Worker, with the project's
// pure wheel, the graphviz package, the course's exercise checker and live_runtime.py unpacked
// into site-packages. Every file comes from the site's own folder.
//
// Protocol: the page posts {id, call, args} (call: a function of live_runtime returning JSON
// text); the worker answers {id, ok: true, result} or {id, ok: false, error}. It posts
// {ready: true, seconds, versions} once Python is loaded, or {failed: message}.
import { loadPyodide } from "../_static/vendor/pyodide/pyodide.mjs";

const here = new URL("./", import.meta.url);
let runtime = null;

async function fetchArchives() {
  const manifest = await (await fetch(new URL("py/manifest.json", here))).json();
  const archives = await Promise.all(manifest.archives.map(async (a) => {
    const response = await fetch(new URL("py/" + a.name, here));
    if (!response.ok) throw new Error(`could not load ${a.name} (${response.status})`);
    return { ...a, data: await response.arrayBuffer() };
  }));
  return { manifest, archives };
}

async function start() {
  const t0 = performance.now();
  const files = fetchArchives();  // downloaded while Python starts
  const py = await loadPyodide({
    indexURL: new URL("../_static/vendor/pyodide/", import.meta.url).href,
    stdout: () => {}, stderr: () => {},
  });
  const t1 = performance.now();
  const { manifest, archives } = await files;
  const site = py.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
  for (const a of archives) py.unpackArchive(a.data, a.format, { extractDir: site });
  const t2 = performance.now();
  // the engine and viz imported now, so that the first Run does not wait for them
  py.runPython("import importlib; importlib.invalidate_caches(); import live_runtime; " +
               "live_runtime.warm_up()");
  runtime = py.pyimport("live_runtime");
  const versions = JSON.parse(runtime.versions());
  versions.pyodide = manifest.pyodide;
  const t3 = performance.now();
  // where the start-up time goes, in seconds (benchmarks/bench_live.py prints it)
  const timings = { pyodide: (t1 - t0) / 1000, unpack: (t2 - t1) / 1000,
                    imports: (t3 - t2) / 1000 };
  return { seconds: (t3 - t0) / 1000, versions, timings };
}

const ready = start().then(
  (info) => { self.postMessage({ ready: true, ...info }); },
  (err) => { self.postMessage({ failed: String(err && err.message || err) }); throw err; });

self.onmessage = async (event) => {
  const { id, call, args } = event.data;
  try {
    await ready;
    const fn = runtime[call];
    if (typeof fn !== "function") throw new Error(`live_runtime has no function ${call}`);
    self.postMessage({ id, ok: true, result: JSON.parse(fn(...(args || []))) });
  } catch (err) {
    // a Python error here is the runtime's, not the learner's (their errors come back as data)
    self.postMessage({ id, ok: false, error: String(err && err.message || err) });
  }
};
