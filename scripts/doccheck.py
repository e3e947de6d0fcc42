# SPDX-License-Identifier: GPL-2.0
"""Check the project's reStructuredText pages without Sphinx: each page
parses with docutils (the kernel's own directives stubbed) without warnings,
and each kernel-doc directive names a file and identifiers that
scripts/kernel-doc finds, without warnings.

usage: doccheck.py TREE PAGE.rst...   (run with /usr/bin/python3)
"""
import subprocess
import sys

import docutils.core
import docutils.parsers.rst
from docutils.parsers.rst import Directive, directives

found = []


class KernelDoc(Directive):
    """Records the directive; the content is checked with kernel-doc."""
    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = True
    option_spec = {"identifiers": directives.unchanged,
                   "functions": directives.unchanged,
                   "export": directives.unchanged,
                   "internal": directives.unchanged,
                   "doc": directives.unchanged}
    has_content = False

    def run(self):
        found.append((self.arguments[0], self.options))
        return []


def main():
    tree, pages = sys.argv[1], sys.argv[2:]
    directives.register_directive("kernel-doc", KernelDoc)
    bad = 0
    for page in pages:
        del found[:]
        with open(page, encoding="utf-8") as f:
            text = f.read()
        out = docutils.core.publish_doctree(
            text, source_path=page,
            settings_overrides={"report_level": 2, "halt_level": 5,
                                "warning_stream": sys.stdout})
        msgs = [m for m in out.traverse()
                if m.tagname == "system_message" and int(m["level"]) >= 2]
        bad += len(msgs)
        for path, opts in found:
            cmd = ["perl", f"{tree}/scripts/kernel-doc", "-rst", "-Wall", "-sphinx-version", "3.4.3"]
            names = (opts.get("identifiers") or opts.get("functions") or "").split()
            for name in names:
                cmd += ["-function", name]
            if "export" in opts:
                cmd += ["-export"]
            res = subprocess.run(cmd + [f"{tree}/{path}"], capture_output=True,
                                 text=True, check=False)
            text = res.stdout
            for name in names:
                if f".. c:function:: " not in text or name not in text:
                    print(f"{page}: kernel-doc {path}: no documentation for {name}")
                    bad += 1
            if res.stderr.strip():
                print(f"{page}: kernel-doc {path}:\n{res.stderr.strip()}")
                bad += 1
            if not text.strip():
                print(f"{page}: kernel-doc {path}: nothing documented")
                bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
