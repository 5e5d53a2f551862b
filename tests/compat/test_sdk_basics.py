"""The official huaweicloudsdkcodeartscheck client against a live OpenCheck, signed with AK/SK."""

from __future__ import annotations

import time

import pytest
from huaweicloudsdkcodeartscheck.v2 import (
    CodeArtsCheckClient,
    CreateTaskRequest,
    CreateTaskRequestV2,
    DeleteTaskRequest,
    RuleSetV2,
    RunTaskRequest,
    ShowProgressDetailRequest,
    ShowTaskListByProjectIdRequest,
)
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcore.http.http_config import HttpConfig

from opencheck.services import auth, projects
from opencheck.store.db import unit_of_work
from tests.conftest import Api

pytestmark = pytest.mark.slow

# X-Sdk-Date has one-second resolution, so two identical requests within a second are one.
SIGNATURE_SECOND = 1.1


def _client(api: Api, project_id: str) -> CodeArtsCheckClient:
    caller = api.user()
    ak, sk = api.access_key(caller)
    with unit_of_work(api.runtime.sessions) as s:
        user = auth.get_user_by_name_or_raise(s, name=caller.name)
        projects.add_member(s, project_id=project_id, user=user, role="owner")
    config = HttpConfig.get_default_config()
    config.timeout = (5, 60)
    return (
        CodeArtsCheckClient.new_builder()
        .with_http_config(config)
        .with_credentials(BasicCredentials(ak, sk, project_id))
        .with_endpoints([str(api.http.base_url).rstrip("/")])
        .build()
    )


def test_sdk_create_run_list_progress_delete(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    repo = repo_factory({"m.py": "import os\n"})
    pid = api.project()
    client = _client(api, pid)
    body = CreateTaskRequestV2(git_url=str(repo), git_branch="main", language=["python"],
                               rule_sets=[RuleSetV2(language="python")])  # fmt: skip
    task_id = client.create_task(CreateTaskRequest(project_id=pid, body=body)).task_id
    exec_id = client.run_task(RunTaskRequest(task_id=task_id)).exec_id
    assert len(exec_id) == 32
    status = api.wait(task_id, exec_id)["task_status"]
    progress = client.show_progress_detail(ShowProgressDetailRequest(task_id=task_id))
    assert progress.task_status == status == 2
    page = client.show_task_list_by_project_id(
        ShowTaskListByProjectIdRequest(project_id=pid, offset=0, limit=10)
    )
    assert page.total == 1 and page.tasks[0].task_id == task_id
    assert page.tasks[0].task_name == "repo_main"
    client.delete_task(DeleteTaskRequest(task_id=task_id))
    # The SDK signs to the second: the same POST again within it is refused as a replay.
    time.sleep(SIGNATURE_SECOND)
    with pytest.raises(exceptions.ClientRequestException) as err:
        client.run_task(RunTaskRequest(task_id=task_id))
    assert err.value.status_code == 404
    assert err.value.error_code.startswith("CC.")
    assert err.value.request_id


def test_sdk_validation_error_reaches_the_client(api: Api) -> None:
    pid = api.project()
    client = _client(api, pid)
    with pytest.raises(exceptions.ClientRequestException) as err:
        client.create_task(CreateTaskRequest(project_id=pid, body=CreateTaskRequestV2()))
    assert err.value.status_code == 400
    assert err.value.error_code == "CC.00050000"
    assert "git_url" in err.value.error_msg


def test_a_region_configured_sdk_client_finds_its_project(api: Api) -> None:
    from huaweicloudsdkcodeartscheck.v2 import ShowTaskListByProjectIdRequest as ListRequest
    from huaweicloudsdkcore.region.region import Region

    caller = api.user()
    pid = api.project({"developer": caller})
    ak, sk = api.access_key(caller)
    endpoint = str(api.http.base_url).rstrip("/")
    region = Region(api.runtime.settings.region, endpoint)
    client = (
        CodeArtsCheckClient.new_builder()
        .with_credentials(BasicCredentials(ak, sk).with_iam_endpoint(endpoint))
        .with_region(region)
        .build()
    )
    tid = api.create_task(pid, caller)
    # No project id anywhere in the client: it came from GET /v3/projects?name=<region>.
    listed = client.show_task_list_by_project_id(ListRequest(project_id=None, offset=0, limit=10))
    assert [t.task_id for t in listed.tasks] == [tid]
    r = api.http.get("/v3/projects", params={"name": "no-such"}, headers=caller.headers)
    assert r.status_code == 200 and r.json()["projects"] == []
    other = api.http.get("/v3/projects", params={"name": api.runtime.settings.region},
                         headers=api.user().headers)  # fmt: skip
    assert other.json()["projects"] == []  # a stranger sees none of the caller's projects
