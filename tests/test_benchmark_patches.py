"""The experiments the README quotes for issue #10 are patches applied to a worktree of main
(`benchmarks/patches/`); each must still apply to the code as it is, or the commands the
README gives for them no longer reproduce its figures."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PATCHES = sorted((ROOT / "benchmarks" / "patches").glob("*.patch"))


def test_the_readme_names_every_patch_and_every_patch_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert PATCHES, "benchmarks/patches/ holds no patch"
    for patch in PATCHES:
        assert f"benchmarks/patches/{patch.name}" in readme, f"{patch.name} is not in the README"


@pytest.mark.parametrize("patch", PATCHES, ids=[p.stem for p in PATCHES])
def test_each_experiment_patch_applies_to_the_current_code(patch: Path, tmp_path: Path) -> None:
    git = shutil.which("git")
    assert git is not None, "git is needed (the README's commands use a worktree)"
    # the files it touches, copied into a repository of their own: `git apply` then reads
    # those working files, whatever the checkout's index or history, and resolves paths
    # against the copy even when the temporary folder lies inside another repository
    subprocess.run([git, "init", "-q", str(tmp_path)], check=True)
    touched = [line.split(" b/", 1)[1] for line in patch.read_text(encoding="utf-8").splitlines()
               if line.startswith("diff --git ")]
    assert touched, f"{patch.name} changes no file"
    for rel in touched:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / rel, tmp_path / rel)
    done = subprocess.run([git, "apply", "--check", str(patch)], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{patch.name} no longer applies: {done.stderr}"
    applied = subprocess.run([git, "apply", str(patch)], cwd=tmp_path, capture_output=True,
                             text=True, check=False)
    assert applied.returncode == 0, applied.stderr
    for rel in touched:  # it did change what it says it changes
        assert (tmp_path / rel).read_bytes() != (ROOT / rel).read_bytes(), rel
