"""Packaging for the openedxscorm XBlock: dependencies come from requirements/base.in."""
import os
import re
import subprocess
import sys

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = os.path.dirname(os.path.abspath(__file__))
VENDOR_DIR = os.path.join(HERE, "openedxscorm", "static", "vendor", "scorm-again")


def build_static_if_missing():
    """Wheels and sdists ship scorm-again's built files: build them first when the checkout has none."""
    if not os.path.isdir(VENDOR_DIR) or not os.listdir(VENDOR_DIR):
        subprocess.run([sys.executable, os.path.join(HERE, "scripts", "build_static.py")], cwd=HERE, check=True)


class BuildPyWithStatic(build_py):
    def run(self):
        build_static_if_missing()
        super().run()


class SdistWithStatic(sdist):
    def run(self):
        build_static_if_missing()
        super().run()


def load_requirements(*relative_paths):
    """Requirement lines of the given .in files, following -r includes, without comments or constraints."""
    requirements = []
    for relative_path in relative_paths:
        path = os.path.join(HERE, relative_path)
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                line = re.sub(r"\s*#.*$", "", line).strip()
                if not line:
                    continue
                if line.startswith("-r "):
                    included = os.path.join(os.path.dirname(relative_path), line[3:].strip())
                    requirements.extend(load_requirements(included))
                elif not line.startswith("-"):
                    requirements.append(line)
    return requirements


def read_version():
    with open(os.path.join(HERE, "openedxscorm", "__init__.py"), encoding="utf-8") as handle:
        return re.search(r'^__version__ = "([^"]+)"', handle.read(), re.M).group(1)


setup(
    name="openedxscorm",
    version=read_version(),
    description="SCORM 1.2 and 2004 player XBlock for Open edX whose packages survive every course move",
    long_description=open(os.path.join(HERE, "README.rst"), encoding="utf-8").read(),
    long_description_content_type="text/x-rst",
    license="AGPL-3.0",
    # Namespace discovery: the folders of templates, static files and catalogs are packages of data too, so
    # setuptools ships them as declared rather than warning that each "would be ignored".
    packages=find_namespace_packages(include=["openedxscorm", "openedxscorm.*"]),
    include_package_data=True,
    cmdclass={"build_py": BuildPyWithStatic, "sdist": SdistWithStatic},
    python_requires=">=3.11",
    install_requires=load_requirements("requirements/base.in"),
    entry_points={
        "xblock.v1": ["scorm = openedxscorm:ScormXBlock"],
        "lms.djangoapp": ["openedxscorm = openedxscorm.apps:ScormConfig"],
        "cms.djangoapp": ["openedxscorm = openedxscorm.apps:ScormConfig"],
    },
    classifiers=[
        "Framework :: Django",
        "Framework :: Django :: 4.2",
        "Framework :: Django :: 5.2",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    ],
)
