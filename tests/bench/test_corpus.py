"""The precision corpus: manifests, safe unpacking, verified archives and git mirrors."""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "bench" / "precision"), str(ROOT / "bench")]

import corpus  # noqa: E402
import debsrc  # noqa: E402
import sources  # noqa: E402

MANIFEST = """\
language: Go
trees:
  - name: small-go
    split: tuned
    source: deb
    package: golang-small
    version: 1.0-1
    filename: golang-small_1.0.orig.tar.gz
    integrity: sha256-AAAA
    alternatives:
      - {version: 0.9-1, filename: golang-small_0.9.orig.tar.gz, integrity: sha256-BBBB}
  - name: other-go
    split: heldout
    source: mirror
    repo: someone/other
    commit: 0123456789abcdef0123456789abcdef01234567
"""


def _tarball(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_manifest_loads_trees_with_their_language_and_filters_by_it(tmp_path: Path) -> None:
    (tmp_path / "go.yml").write_text(MANIFEST)
    (tmp_path / "lua.yml").write_text("language: Lua\ntrees: []\n")
    trees = corpus.load_manifest(folder=tmp_path)
    assert [t.name for t in trees] == ["small-go", "other-go"]
    assert trees[0].pins()[1] == corpus.Pin("0.9-1", "golang-small_0.9.orig.tar.gz", "sha256-BBBB")
    assert trees[1].repo == "someone/other" and trees[1].split == "heldout"
    assert corpus.load_manifest(["go"], folder=tmp_path) == trees
    assert corpus.load_manifest(["Lua"], folder=tmp_path) == []


def test_manifest_refuses_a_repeated_name_and_an_unknown_split(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(MANIFEST)
    (tmp_path / "b.yml").write_text(MANIFEST.replace("language: Go", "language: Rust"))
    with pytest.raises(ValueError, match="repeat"):
        corpus.load_manifest(folder=tmp_path)
    (tmp_path / "b.yml").write_text(MANIFEST.replace("split: tuned", "split: train"))
    (tmp_path / "a.yml").unlink()
    with pytest.raises(ValueError, match="bad split"):
        corpus.load_manifest(folder=tmp_path)


def test_unpack_strips_the_top_folder_and_refuses_paths_outside(tmp_path: Path) -> None:
    good = _tarball(tmp_path / "good.tar.gz", {"pkg-1.0/src/a.go": b"package a\n"})
    corpus.unpack(good, tmp_path / "out")
    assert (tmp_path / "out" / "src" / "a.go").read_text() == "package a\n"
    evil = _tarball(tmp_path / "evil.tar.gz", {"pkg/../../escaped.txt": b"x"})
    with pytest.raises(tarfile.FilterError):
        corpus.unpack(evil, tmp_path / "evil-out")
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_a_deb_tree_uses_its_verified_cached_archive_and_subdir(tmp_path: Path) -> None:
    home = tmp_path / "cache" / "small-go"
    home.mkdir(parents=True)
    archive = _tarball(home / "golang-small_1.0.orig.tar.gz", {"small/lib/x.go": b"package x\n"})
    tree = corpus.Tree(
        name="small-go", language="Go", split="tuned", source="deb", package="golang-small",
        version="1.0-1", filename=archive.name, subdir="lib",
        integrity=sources.integrity_of(archive, "sha256"),
    )  # fmt: skip
    root = corpus.materialise(tree, cache=tmp_path / "cache")
    assert root == home / "tree" / "lib" and (root / "x.go").is_file()
    bad = corpus.Tree(**{**tree.__dict__, "name": "bad", "integrity": "sha256-AAAA"})
    (tmp_path / "cache" / "bad").mkdir()
    _tarball(tmp_path / "cache" / "bad" / archive.name, {"a/b.go": b""})
    with pytest.raises(SystemExit, match="integrity"):
        corpus.materialise(bad, cache=tmp_path / "cache")


def test_a_mirror_tree_is_the_pinned_commit_or_one_line_saying_why_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "main.ets").write_text("@Entry\nstruct Index {}\n")
    env = {**sources.GIT_ENV}
    git = ["git", "-C", str(work)]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "one"]):
        subprocess.run([*git, *args], check=True, env=env)
    commit = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True, env=env
    ).stdout.strip()
    mirrors = tmp_path / "mirrors"
    (mirrors / "someone+app").mkdir(parents=True)
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(work), str(mirrors / "someone+app" / "repo")],
        check=True,
    )
    monkeypatch.setenv(corpus.MIRRORS_ENV, str(mirrors))
    tree = corpus.Tree(
        name="app",
        language="ArkTS",
        split="tuned",
        source="mirror",
        repo="someone/app",
        commit=commit,
    )
    root = corpus.materialise(tree, cache=tmp_path / "cache")
    assert root is not None and (root / "main.ets").read_text().startswith("@Entry")
    absent = corpus.Tree(**{**tree.__dict__, "name": "gone", "repo": "someone/gone"})
    assert corpus.materialise(absent, cache=tmp_path / "cache") is None
    assert capsys.readouterr().out.splitlines() == [
        f"skip gone: mirror someone/gone not present in {mirrors} (bring it with the fetch tool)"
    ]


def test_the_debian_mirror_comes_from_the_system_sources_in_either_format(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "other.sources").write_text(
        "Types: deb\nURIs: http://example.org/other\nSuites: stable\nComponents: main\n\n"
        "Types: deb\nURIs: http://example.org/debian\nSuites: bookworm bookworm-updates\n"
        "Components: main\nSigned-By: /usr/share/keyrings/k.gpg\n"
    )
    assert debsrc.system_mirror(tmp_path) == debsrc.Mirror(
        "http://example.org/debian", "/usr/share/keyrings/k.gpg"
    )
    (tmp_path / "sources.list").write_text(
        "# comment\ndeb [signed-by=/k.gpg] http://example.net/debian bookworm main\n"
    )
    assert debsrc.system_mirror(tmp_path) == debsrc.Mirror("http://example.net/debian", "/k.gpg")
    (tmp_path / "sources.list").write_text("deb http://example.net/debian trixie main\n")
    (tmp_path / "sources.list.d" / "other.sources").unlink()
    assert debsrc.system_mirror(tmp_path) is None


def test_the_private_apt_setup_never_points_at_the_system_config(tmp_path: Path) -> None:
    apt = debsrc.PrivateApt(tmp_path / "apt", debsrc.Mirror("http://example.org/debian"))
    options = apt.options()
    values = [o.split("=", 1)[1] for o in options if o.startswith("Dir::")]
    assert values and all(v.startswith(str(tmp_path / "apt")) for v in values)
