# Shortcuts; each target sets up what it needs first.
.PHONY: demo test lab bench clean

demo:        ## the main job: chain rule, XOR, pictures in ./output
	bash scripts/main.sh

test:        ## lint, types and the whole test suite (notebooks included)
	bash scripts/test.sh

lab:         ## JupyterLab on the notebooks folder
	EXTRAS=notebooks bash scripts/setup.sh && .venv/bin/jupyter lab notebooks

bench:       ## every benchmark table (a few minutes)
	EXTRAS=test,bench WITH_TORCH=1 bash scripts/setup.sh \
	  && for b in benchmarks/bench_*.py; do .venv/bin/python $$b; done

clean:
	rm -rf .venv output .pytest_cache .mypy_cache .ruff_cache build autograd_core/*.so
