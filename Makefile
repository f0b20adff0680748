.PHONY: help static requirements upgrade venv serve test test-fast quality bench extract_translations compile_translations sample-package clean
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED_PACKAGES := ../shared/scorm-packages/valid
SAMPLE_DIR := var/sample-packages
SCORM_PACKAGES_DIR ?= $(if $(wildcard $(SHARED_PACKAGES)),$(SHARED_PACKAGES),$(SAMPLE_DIR))
PORT ?= 8000
# Three workers: a browser test waits on a server or a page about a third of its time (a run on two workers keeps
# two cores about 60 % busy), so a third worker fills those waits even on two cores.
TEST_WORKERS ?= 3

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-22s %s\n", $$1, $$2}'

$(BIN)/python:
	@echo "Creating the virtualenv $(VENV) and upgrading pip..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements/test.txt requirements/base.txt setup.py
	@echo "Installing the pinned requirements of requirements/test.txt (Django, XBlock, the XBlock SDK, pytest,"
	@echo "Playwright, moto...): about a minute the first time, quiet while it works..."
	$(BIN)/pip install --quiet -r requirements/test.txt
	@echo "Installing openedxscorm itself in editable mode..."
	$(BIN)/pip install --quiet --no-deps -e .
	@echo "The virtualenv is ready."
	touch $@

openedxscorm/static/vendor/scorm-again/LICENSE: package.json package-lock.json scripts/build_static.py
	$(PYTHON) scripts/build_static.py

static: openedxscorm/static/vendor/scorm-again/LICENSE ## npm ci, then copy scorm-again's built APIs into openedxscorm/static/vendor (git-ignored)

venv: static $(VENV)/.installed ## create or refresh the virtualenv with everything the tests and the dev server need

requirements: venv ## install the development requirements as well (pip-tools, tox, ruff)
	$(BIN)/pip install --quiet -r requirements/dev.txt

upgrade: export CUSTOM_COMPILE_COMMAND=make upgrade
upgrade: $(BIN)/python ## recompile requirements/*.txt from requirements/*.in
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --upgrade --strip-extras -o requirements/base.txt requirements/base.in
	$(BIN)/pip-compile --quiet --upgrade --strip-extras -o requirements/test.txt requirements/test.in
	$(BIN)/pip-compile --quiet --upgrade --strip-extras -o requirements/dev.txt requirements/dev.in

$(SAMPLE_DIR)/hello-scorm12.zip: $(wildcard devserver/sample_package/*)
	mkdir -p $(SAMPLE_DIR)
	rm -f $@
	cd devserver/sample_package && $(CURDIR)/$(BIN)/python -m zipfile -c $(CURDIR)/$@ *

sample-package: $(BIN)/python $(SAMPLE_DIR)/hello-scorm12.zip

serve: venv sample-package ## serve the workbench on 127.0.0.1:PORT (PORT=8000 unless given) with the sample packages uploaded
	$(BIN)/python -m django migrate --run-syncdb --verbosity 0 --settings devserver.settings
	SCORM_PACKAGES_DIR=$(SCORM_PACKAGES_DIR) $(BIN)/python -m django runserver 127.0.0.1:$(PORT) --settings devserver.settings

test: venv ## run every test (browser, Redis and S3 tests included) on TEST_WORKERS processes; SCORM_PACKAGES_DIR, SCORM_CONFORMANCE_DIR add the real packages
	$(BIN)/python -m pytest -p no:randomly --numprocesses $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder $(PYTEST_ARGS)

quality: requirements ## lint
	$(BIN)/ruff check openedxscorm openedxscorm_support tests bench devserver

bench: venv ## benchmarks: prints name: value lines
	$(BIN)/python -m bench.run

LANGUAGES := en fr es_419
TRANSLATED := fr es_419

extract_translations: venv ## build the gettext catalogs (openedxscorm/locale/<lang>/LC_MESSAGES/django.po, djangojs.po) from the code, templates and JS
	cd openedxscorm && ../$(BIN)/django-admin makemessages $(addprefix -l ,$(LANGUAGES)) -d django --ignore 'static/vendor/*' --no-location
	cd openedxscorm && ../$(BIN)/django-admin makemessages $(addprefix -l ,$(LANGUAGES)) -d djangojs --ignore 'static/vendor/*' --no-location

compile_translations: venv ## compile the catalogs: locale/*/django.mo for Django, translations/*/text.mo for the XBlock i18n service
	cd openedxscorm && ../$(BIN)/django-admin compilemessages
	for lang in $(TRANSLATED); do \
		mkdir -p openedxscorm/translations/$$lang/LC_MESSAGES && \
		msgfmt --check -o openedxscorm/translations/$$lang/LC_MESSAGES/text.mo openedxscorm/locale/$$lang/LC_MESSAGES/django.po; \
	done

clean: ## remove the virtualenv and the dev server's data
	rm -rf $(VENV) var
