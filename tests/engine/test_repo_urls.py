"""Repository URL validation, normalisation and repo types, as tables."""

from __future__ import annotations

import pytest

from opencheck.engine.repo_urls import (
    normalize_repo_url,
    repo_type_of,
    strip_userinfo,
    validate_repo_url,
)


@pytest.mark.parametrize(
    "url",
    [
        "/srv/git/repo.git",
        "file:///srv/git/repo.git",
        "http://host/group/repo",
        "https://host:8443/group/repo.git",
        "https://user:token@host/group/repo.git",
        "ssh://git@host:2222/group/repo.git",
        "git://host/repo.git",
        "git@host:group/repo.git",
        "host.example:group/repo.git",
        "https://[::1]:8080/repo.git",
    ],
)
def test_accepted_urls(url: str) -> None:
    assert validate_repo_url(f"  {url} ") == url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ext::sh -c touch% /tmp/pwned", "transport"),
        ("fd::3", "transport"),
        ("git+ssh::host/repo", "transport"),
        ("-uhost/repo", "must not start with '-'"),
        ("--upload-pack=touch /tmp/pwned", "must not start with '-'"),
        ("https://host/repo\nfoo", "control characters"),
        ("https://host/re\x00po", "control characters"),
        ("ftp://host/repo.git", "scheme 'ftp'"),
        ("ssh://-oProxyCommand=touch%20x/repo", "host"),
        ("https:///repo", "host"),
        ("file://relative/path", "absolute path"),
        ("relative/path", "unsupported"),
        ("", "empty"),
        ("https://host:99999/repo", "malformed"),
    ],
)
def test_refused_urls(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_repo_url(url)


SAME_REPOSITORY = [
    "git@Host.Example:Group/Repo.git",
    "ssh://git@host.example/Group/Repo.git",
    "ssh://git@host.example:22/Group/Repo.git",
    "https://host.example/Group/Repo.git",
    "https://user:secret@HOST.example:443/Group/Repo.git/",
    "http://host.example/Group/Repo",
    "http://host.example:80/Group/Repo/",
]


@pytest.mark.parametrize("url", SAME_REPOSITORY)
def test_ssh_and_http_forms_normalise_alike(url: str) -> None:
    assert normalize_repo_url(url) == "host.example/Group/Repo"


@pytest.mark.parametrize(
    ("url", "normalized"),
    [
        ("https://host.example:8443/g/r.git", "host.example:8443/g/r"),
        ("ssh://git@host.example:2222/g/r.git", "host.example:2222/g/r"),
        ("git://host.example/g/r.git", "host.example/g/r"),
        ("git://host.example:9418/g/r", "host.example/g/r"),
        ("https://host.example/g/R.git", "host.example/g/R"),
        ("/srv/git/../git/repo/", "/srv/git/repo"),
        ("file:///srv/git/repo.git", "/srv/git/repo.git"),
        ("file:///srv/my%20repo", "/srv/my repo"),
        ("https://[::1]:8080/repo.git", "[::1]:8080/repo"),
    ],
)
def test_normalize_table(url: str, normalized: str) -> None:
    assert normalize_repo_url(url) == normalized


def test_different_repositories_stay_different() -> None:
    assert normalize_repo_url("git@host:g/a.git") != normalize_repo_url("https://host/g/b.git")
    assert normalize_repo_url("https://host/g/a") != normalize_repo_url("https://other/g/a")


def test_normalize_refuses_what_validate_refuses() -> None:
    with pytest.raises(ValueError):
        normalize_repo_url("ext::sh -c id")


@pytest.mark.parametrize(
    ("url", "repo_type"),
    [
        ("https://github.com/o/r.git", "GitHub"),
        ("git@github.com:o/r.git", "GitHub"),
        ("https://gitee.com/o/r", "Gitee"),
        ("https://gitlab.com/o/r", "gitlab"),
        ("https://gitcode.com/o/r", "gitcode"),
        ("https://gitcode.net/o/r", "gitcode"),
        ("https://bitbucket.org/o/r", "bitbucket"),
        ("git@codehub.devcloud.cn-north-5.huaweicloud.com:p/r.git", "DevCloud"),
        ("https://codehub-g.myhuaweicloud.com/p/r.git", "DevCloud"),
        ("https://git.example.org/o/r", "GitPub"),
        ("https://notgithub.com/o/r", "GitPub"),
        ("/srv/git/repo", "GitPub"),
    ],
)
def test_repo_type_of(url: str, repo_type: str) -> None:
    assert repo_type_of(url) == repo_type


@pytest.mark.parametrize(
    ("url", "clean", "user", "password"),
    [
        ("https://u:p%40ss@host/r.git", "https://host/r.git", "u", "p@ss"),
        ("https://token@host/r.git", "https://host/r.git", "token", None),
        ("ssh://git:pw@host/r.git", "ssh://git@host/r.git", "git", "pw"),
        ("ssh://git@host/r.git", "ssh://git@host/r.git", "git", None),
        ("git@host:g/r.git", "git@host:g/r.git", None, None),
        ("https://host/r.git", "https://host/r.git", None, None),
    ],
)
def test_strip_userinfo(url: str, clean: str, user: str | None, password: str | None) -> None:
    assert strip_userinfo(url) == (clean, user, password)
