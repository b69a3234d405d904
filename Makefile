# Shortcuts; each target sets up what it needs first. `make help` lists them.
.PHONY: demo test lab site serve bench clean help

demo:        ## the main job: chain rule, XOR, pictures in ./output
	bash scripts/main.sh

test:        ## lint, types and the whole test suite (notebooks and browser tests included)
	bash scripts/test.sh

lab:         ## JupyterLab on the notebooks folder (no browser opened: open the URL it prints)
	EXTRAS=notebooks bash scripts/setup.sh
	@echo "JupyterLab starts below; open the http://127.0.0.1:8888/lab?token=... URL it prints."
	.venv/bin/jupyter lab notebooks --no-browser --ip=127.0.0.1 \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

site:        ## the course site in ./site (lessons, live lab and playground, step-throughs, API)
	EXTRAS=site bash scripts/setup.sh && .venv/bin/python scripts/build_site.py

serve:       ## serve ./site on http://127.0.0.1:8000/ (the live pages need it served)
	@[ -f site/index.html ] || $(MAKE) site
	@echo "Open http://127.0.0.1:8000/ (Ctrl-C stops the server)"
	.venv/bin/python -m http.server 8000 -b 127.0.0.1 -d site

bench:       ## every benchmark table (a few minutes)
	EXTRAS=test,bench WITH_TORCH=1 bash scripts/setup.sh \
	  && for b in benchmarks/bench_*.py; do .venv/bin/python $$b; done

clean:       ## remove the environment, outputs, the site and caches
	rm -rf .venv output site .pytest_cache .mypy_cache .ruff_cache build autograd_core/*.so

help:        ## this list
	@grep -E '^[a-z]+: +## ' Makefile | sed -E 's/^([a-z]+): +## /  make \1\t/' | expand -t 16
