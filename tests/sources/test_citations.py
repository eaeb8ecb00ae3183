"""Every tracked file cites sources a stranger can follow (issue 11 item 6).

Code, docs, hardware TOML sources and tests cite the BBS paper (section, figure, table) and the
authors' public repositories (yc2367/BitSim, yc2367/BBS-MICRO: path and line at a commit), never
the project's private notes or files outside this repository. The only allowed mentions are the
tests' data paths below (the test machines provide the real-weight files there, docs/networks.md)
and one printed string that is part of stored results' identity.
"""
import os
import re
import subprocess
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Built by concatenation so this file does not match itself.
PRIVATE = re.compile("|".join([re.escape("bitsim" + ".md"), re.escape("paper" + ".md"),
                               re.escape(".." + "/shared")]))

# (path, exact text of the line): each a deliberate exception with its reason.
ALLOWED = {
    # Test data paths: where the test machines keep the real-weight files.
    ("tests/CMakeLists.txt",
     '    BBS_TEST_SHARED_WEIGHTS="${PROJECT_SOURCE_DIR}/' + ".." + '/shared/weights"'),
    ("tests/cli/CMakeLists.txt",
     "              ${PROJECT_SOURCE_DIR}/" + ".." + "/shared/weights/llama2c_stories260K.safetensors"),
}


def tracked_files():
    try:
        out = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], check=True,
                             capture_output=True).stdout.decode()
        return [p for p in out.split("\0") if p]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: walk the tree
        files = []
        for d, subdirs, names in os.walk(ROOT):
            subdirs[:] = [s for s in subdirs if not s.startswith((".", "build"))]
            files += [os.path.relpath(os.path.join(d, n), ROOT) for n in names]
        return files


def private_references(path, text):
    """(path, line number, line) of each line citing a private note or a file outside the repo."""
    hits = []
    for number, line in enumerate(text.splitlines(), 1):
        if PRIVATE.search(line) and (path, line) not in ALLOWED:
            hits.append((path, number, line.strip()))
    return hits


class Citations(unittest.TestCase):
    def test_scanner_flags_each_private_reference(self):
        text = "ok\n// see bitsim" + ".md 3.8\n# paper" + ".md 5.3\ndata/shared\nx ../" + "shared/w\n"
        self.assertEqual([n for _, n, _ in private_references("a.cpp", text)], [2, 3, 5])

    def test_tracked_files_cite_only_public_sources(self):
        hits = []
        for path in tracked_files():
            full = os.path.join(ROOT, path)
            if not os.path.isfile(full):
                continue
            with open(full, "rb") as f:
                data = f.read()
            if b"\0" in data:  # binary (databases, fuzz inputs)
                continue
            hits += private_references(path, data.decode("utf-8", errors="replace"))
        self.assertEqual(hits, [], "\n" + "\n".join(f"{p}:{n}: {l}" for p, n, l in hits))


if __name__ == "__main__":
    unittest.main()
