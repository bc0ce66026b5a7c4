"""``python -m arxiv_digest``: the same as the ``arxiv-digest`` command."""

from .cli import script

if __name__ == "__main__":
    script()
