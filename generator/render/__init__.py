"""Stage 4, render: views (every string decided in Python), templates, docs, formatting."""
