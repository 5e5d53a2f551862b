"""The SDK's failure paths: each raises ClientRequestException with the documented status and
CodeArts error code (wrong secret, stale date, unknown task, a second run, bad parameters)."""

from __future__ import annotations

import time

import pytest
from huaweicloudsdkcodeartscheck.v2 import (
    CodeArtsCheckClient,
    CreateTaskRequest,
    CreateTaskRequestV2,
    RunTaskRequest,
    ShowTaskDefectsRequest,
    ShowTaskListByProjectIdRequest,
    StopTaskByIdRequest,
)
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions

from tests.api.test_executions import hanging_remote  # noqa: F401 (a fixture)
from tests.compat.test_sdk_basics import SIGNATURE_SECOND, _client
from tests.conftest import Api

pytestmark = pytest.mark.slow


def _raises(call, status: int, code: str) -> exceptions.ClientRequestException:  # type: ignore[no-untyped-def]
    with pytest.raises(exceptions.ClientRequestException) as failed:
        call()
    assert failed.value.status_code == status, failed.value
    assert failed.value.error_code == code, failed.value
    return failed.value


def test_a_wrong_secret_and_a_stale_date_are_refused(api: Api) -> None:
    pid = api.project()
    good = _client(api, pid)
    ak = good.get_credentials().ak
    endpoint = str(api.http.base_url).rstrip("/")
    wrong = (CodeArtsCheckClient.new_builder()
             .with_credentials(BasicCredentials(ak, "not-the-secret", pid))
             .with_endpoints([endpoint]).build())  # fmt: skip
    listing = ShowTaskListByProjectIdRequest(project_id=pid)
    _raises(lambda: wrong.show_task_list_by_project_id(listing), 401, "CC.00000003")
    stale = _client(api, pid)
    stale.preset_headers = {"X-Sdk-Date": "20200101T000000Z"}  # the SDK signs a pre-set date
    error = _raises(lambda: stale.show_task_list_by_project_id(listing), 401, "CC.00000003")
    assert "15 minutes" in error.error_msg


def test_unknown_task_second_run_and_bad_parameters(api: Api, hanging_remote: str) -> None:  # noqa: F811
    pid = api.project()
    client = _client(api, pid)
    _raises(lambda: client.run_task(RunTaskRequest(task_id="0" * 32)), 404, "CC.00050404")
    _raises(lambda: client.run_task(RunTaskRequest(task_id="not-an-id")), 400, "CC.00050000")
    body = CreateTaskRequestV2(git_url=hanging_remote, git_branch="main", language=["python"])
    tid = client.create_task(CreateTaskRequest(project_id=pid, body=body)).task_id
    client.run_task(RunTaskRequest(task_id=tid))
    time.sleep(SIGNATURE_SECOND)  # else the identical second run is the same signed request
    error = _raises(lambda: client.run_task(RunTaskRequest(task_id=tid)), 409, "CC.00050015")
    assert "running" in error.error_msg
    client.stop_task_by_id(StopTaskByIdRequest(task_id=tid))
    bad_limit = ShowTaskListByProjectIdRequest(project_id=pid, offset=0, limit=5000)
    _raises(lambda: client.show_task_list_by_project_id(bad_limit), 400, "CC.00050000")
    bad_status = ShowTaskDefectsRequest(task_id=tid, status_ids="7")
    _raises(lambda: client.show_task_defects(bad_status), 400, "CC.00050000")
