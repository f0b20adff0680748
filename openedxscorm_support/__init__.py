"""Support code the tests share with the dev server and the benchmarks: the contract fake of the platform, block
runtimes, server processes, package builders. Never installed with the XBlock (setup.py packages openedxscorm only).
"""
