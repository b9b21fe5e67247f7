"""The Streamlit dashboard (``aiinfra serve``).

``app.py`` lives in this folder of its own because Streamlit puts the script's
folder first on ``sys.path``: beside the other aiinfra modules, ``bottleneck.py``
would shadow the ``bottleneck`` package that pandas imports.
"""
