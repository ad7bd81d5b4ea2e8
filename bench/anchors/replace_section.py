"""Replaces (or appends) one '## ' section of a markdown file with the content of another file."""
import sys

path, heading, section_file = sys.argv[1:4]
try:
    lines = open(path).read().splitlines(keepends=True)
except FileNotFoundError:
    lines = ["# fhec benchmark results\n", "\n"]
new = open(section_file).read()
if not new.endswith("\n"):
    new += "\n"
start = next((i for i, l in enumerate(lines) if l.rstrip() == heading), None)
if start is None:
    out = "".join(lines).rstrip("\n") + "\n\n" + new
else:
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    out = "".join(lines[:start]) + new + ("\n" + "".join(lines[end:]) if end < len(lines) else "")
open(path, "w").write(out)
