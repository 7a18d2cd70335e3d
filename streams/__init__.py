from streams.compiled import choose

choose()  # the mypyc-compiled modules if built and current, else the .py files (streams/compiled.py)
del choose
