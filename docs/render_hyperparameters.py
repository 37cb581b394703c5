"""
Render the registry's reference hyperparameters into README.md (section "Hyperparameters").

The table sits between the marker comments ``<!-- hyperparameters:start -->`` and ``<!-- hyperparameters:end -->``;
everything else in the README is left as it is. Run from the repository root::

    python -m docs.render_hyperparameters            # rewrite the README's block
    python -m docs.render_hyperparameters --check    # exit 1 if the README's block is out of date

``tests/test_registry_table.py`` fails when the block differs from the rendered table.

"""
import argparse
import os
import sys
from typing import Optional, Sequence

from mushroom_s2pg.algorithms import hyperparameter_table_markdown

START = '<!-- hyperparameters:start -->'
END = '<!-- hyperparameters:end -->'
COMMAND = 'python -m docs.render_hyperparameters'
README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'README.md')


def readme_block(text: str) -> str:
    """The text between the markers (without them)."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f'README.md needs exactly one {START} ... {END} block')
    return text[text.index(START) + len(START):text.index(END)]


def with_block(text: str, table: str) -> str:
    """``text`` with the block between the markers replaced by ``table``."""
    readme_block(text)
    return text[:text.index(START) + len(START)] + '\n' + table + text[text.index(END):]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0].strip())
    parser.add_argument('--check', action='store_true', help='only check that the README is up to date')
    parser.add_argument('--readme', default=README, help='the README to update (default: %(default)s)')
    args = parser.parse_args(argv)
    with open(args.readme) as f:
        text = f.read()
    updated = with_block(text, hyperparameter_table_markdown())
    if args.check:
        if updated != text:
            print(f'{args.readme}: the hyperparameter table is out of date; run: {COMMAND}', file=sys.stderr)
            return 1
        return 0
    if updated != text:
        with open(args.readme, 'w') as f:
            f.write(updated)
        print(f'updated {args.readme}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
