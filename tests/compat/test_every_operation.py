"""The official SDK (pinned test dependency) drives every operation OpenCheck serves, once each,
with a realistic request, on a live server with an access key; fields of each returned model
are asserted. Runs on SQLite and PostgreSQL (the session's backends)."""

from __future__ import annotations

from collections import Counter

import pytest
from huaweicloudsdkcodeartscheck.v2 import (
    CheckParametersRequest,
    CheckRecordRequest,
    CheckRulesetParametersRequest,
    ConfigTaskParameterBody,
    CreateRulesetRequest,
    CreateTaskRequest,
    CreateTaskRequestV2,
    CustomAttributes,
    CustomAttributesRule,
    DeleteRulesetRequest,
    DeleteTaskRequest,
    IgnorePathSettingItem,
    ListRulesetsRequest,
    ListRulesRequest,
    ListTaskParameterRequest,
    ListTaskRulesetRequest,
    ListTemplateRulesRequest,
    RuleConfig,
    Ruleset,
    RuleSetV2,
    RunTaskRequest,
    SetDefaulTemplateRequest,
    ShowProgressDetailRequest,
    ShowTaskCmetricsRequest,
    ShowTaskDefectsRequest,
    ShowTaskDefectsStatisticRequest,
    ShowTaskDetailRequest,
    ShowTaskListByProjectIdRequest,
    ShowTasklogRequest,
    ShowTaskPathTreeRequest,
    ShowTaskSettingsRequest,
    ShowTasksRulesetsRequest,
    StopTaskByIdRequest,
    TaskAdvancedSettingsItem,
    TaskCheckSettingsItem,
    UpdateDefectRequestBody,
    UpdateDefectStatusRequest,
    UpdateIgnorePathRequest,
    UpdateIgnorePathRequestBody,
    UpdateTaskRulesetItem,
    UpdateTaskRulesetRequest,
    UpdateTaskSettingsRequest,
    UpdateTaskSettingsRequestBody,
)
from huaweicloudsdkcore.exceptions import exceptions

from tests.api.test_check_parameters import GRADE
from tests.api.test_task_settings import FILES as SETTINGS_FILES
from tests.compat.test_sdk_basics import _client
from tests.conftest import Api

pytestmark = pytest.mark.slow

FILES = {
    "app/main.py": "import os\n\n\ndef f(x):\n    if x == None:\n        return undefined_name\n",
    "app/util.py": '"""Clean."""\n\n\ndef add(a: int, b: int) -> int:\n    return a + b\n',
}


def test_every_task_execution_and_result_operation(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    pid = api.project()
    client = _client(api, pid)
    body = CreateTaskRequestV2(git_url=str(repo_factory(FILES)), git_branch="main",
                               language=["python"])  # fmt: skip
    tid = client.create_task(CreateTaskRequest(project_id=pid, body=body)).task_id
    exec_id = client.run_task(RunTaskRequest(task_id=tid)).exec_id
    assert api.wait(tid, exec_id)["task_status"] == 2
    progress = client.show_progress_detail(ShowProgressDetailRequest(task_id=tid))
    assert progress.task_status == 2 and progress.progress.ratio == "100%"
    page = client.show_task_list_by_project_id(ShowTaskListByProjectIdRequest(project_id=pid))
    assert page.total == 1 and page.tasks[0].task_name == "repo_main"
    defects = client.show_task_defects(ShowTaskDefectsRequest(task_id=tid, offset=0, limit=50))
    rules = {d.defect_checker_name for d in defects.defects}
    assert defects.total == len(defects.defects) and "ruff:F821" in rules
    assert all(d.file_path == "app/main.py" for d in defects.defects)
    levels = Counter(d.defect_level for d in defects.defects)  # all unresolved so far
    records = client.check_record(CheckRecordRequest(project_id=pid, task_id=tid, offset=0,
                                                     limit=10, start_time="2000-01-01T00:00:00Z"))  # fmt: skip
    assert records.total == 1 and records.data[0].check_end_time.endswith("Z")
    counts = records.data[0].issue_counts
    assert (counts.critical, counts.serious, counts.normal, counts.prompt) == (1, 0, 1, 1)
    assert (counts.critical, counts.serious, counts.normal, counts.prompt) == tuple(
        levels[code] for code in "0123")  # fmt: skip
    log = client.show_tasklog(ShowTasklogRequest(project_id=pid, task_id=tid, execute_id=exec_id))
    assert (log.param_info.branch, log.param_info.language) == ("main", "Python")
    assert log.log_info[0].display_name.startswith("Check queued by ")
    assert log.log_info[-1].display_name == "all subJob finish!"
    assert {line.level for line in log.log_info} == {"INFO"}
    statistic = client.show_task_defects_statistic(ShowTaskDefectsStatisticRequest(task_id=tid))
    assert statistic.severity and statistic.status
    ignored = UpdateDefectRequestBody(defect_id=defects.defects[-1].defect_id, defect_status="2")
    client.update_defect_status(UpdateDefectStatusRequest(task_id=tid, body=ignored))
    statistic = client.show_task_defects_statistic(ShowTaskDefectsStatisticRequest(task_id=tid))
    assert statistic.status.dismissed == 1
    summary = client.show_task_detail(ShowTaskDetailRequest(task_id=tid))
    assert summary.task_id == tid and int(summary.critical_count) >= 1
    metrics = client.show_task_cmetrics(ShowTaskCmetricsRequest(project_id=pid, task_id=tid))
    assert metrics.task_id == tid and metrics.metric_info
    tree = client.show_task_path_tree(ShowTaskPathTreeRequest(project_id=pid, task_id=tid))
    assert [(n.file_name, n.is_leaf) for n in tree.info] == [("app", False)]
    # Stop with nothing running is accepted; delete ends the task.
    client.stop_task_by_id(StopTaskByIdRequest(task_id=tid))
    client.delete_task(DeleteTaskRequest(task_id=tid))
    assert client.show_task_list_by_project_id(
        ShowTaskListByProjectIdRequest(project_id=pid)).total == 0  # fmt: skip


def test_every_rule_set_operation(api: Api) -> None:
    pid = api.project()
    client = _client(api, pid)
    catalog = client.list_rules(ListRulesRequest(rule_languages="python", offset=0, limit=10))
    assert catalog.total >= 10 and len(catalog.info) == 10
    assert all(r.rule_language == "Python" for r in catalog.info)
    sets = client.list_rulesets(ListRulesetsRequest(project_id=pid, category="0", limit=100))
    system = next(s.template_id for s in sets.info if s.language == "Python")
    rules = client.list_template_rules(ListTemplateRulesRequest(
        project_id=pid, ruleset_id=system, types="1", limit=5))  # fmt: skip
    assert rules.total >= 5 and rules.info[0].rule_id
    first = rules.info[0].rule_id
    new = Ruleset(project_id=pid, template_name="compat-strict", language="python",
                  is_default="1", template_id=system, rule_ids="", uncheck_ids=first)  # fmt: skip
    created = client.create_ruleset(CreateRulesetRequest(body=new)).template_id
    assert len(created) == 32
    client.set_defaul_template(SetDefaulTemplateRequest(
        project_id=pid, ruleset_id=created, language="python"))  # fmt: skip
    task = CreateTaskRequestV2(git_url="https://example.com/team/repo.git", git_branch="main",
                               language=["python"])  # fmt: skip
    tid = client.create_task(CreateTaskRequest(project_id=pid, body=task)).task_id
    bound = client.list_task_ruleset(ListTaskRulesetRequest(project_id=pid, task_id=tid))
    assert [s.template_id for s in bound.body if s.type == "selected"] == [
        created
    ]  # the project default was used
    item = UpdateTaskRulesetItem(language="python", rule_set_id=system, if_use="1", status="1")
    client.update_task_ruleset(UpdateTaskRulesetRequest(task_id=tid, body=[item]))
    v3 = client.show_tasks_rulesets(ShowTasksRulesetsRequest(project_id=pid, task_id=tid))
    assert system in {s.template_id for s in v3.info}
    client.set_defaul_template(SetDefaulTemplateRequest(
        project_id=pid, ruleset_id=system, language="python"))  # fmt: skip
    client.delete_ruleset(DeleteRulesetRequest(project_id=pid, ruleset_id=created))
    left = client.list_rulesets(ListRulesetsRequest(project_id=pid, limit=100))
    assert created not in {s.template_id for s in left.info}
    assert RuleSetV2  # imported for the create-task form used in test_sdk_basics


def test_every_check_parameter_operation(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    pid = api.project()
    client = _client(api, pid)
    sets = client.list_rulesets(ListRulesetsRequest(project_id=pid, category="0", limit=100))
    system = next(s.template_id for s in sets.info if s.language == "Python")
    catalog = client.list_rules(ListRulesRequest(rule_languages="python", limit=1000))
    c901 = next(r.rule_id for r in catalog.info if r.rule_name == "complex-structure")
    threshold = RuleConfig(option_key="max-complexity", option_value="3")
    strict = Ruleset(project_id=pid, template_name="compat-complexity", language="python",
                     is_default="1", template_id=system, rule_ids="", custom_attributes=[
                         CustomAttributes(attribute="threshold", rules=[CustomAttributesRule(
                             rule_id=c901, rule_config_list=[threshold])])])  # fmt: skip
    created = client.create_ruleset(CreateRulesetRequest(body=strict)).template_id
    rules = client.list_template_rules(ListTemplateRulesRequest(
        project_id=pid, ruleset_id=created, types="2", limit=1000))  # fmt: skip
    (config,) = next(r for r in rules.info if r.rule_id == c901).rule_config_list
    assert (config.option_key, config.option_value, config.default_value) == (
        "max-complexity", "3", "20")  # fmt: skip

    repo = repo_factory({"app/grade.py": GRADE})
    task = CreateTaskRequestV2(git_url=str(repo), git_branch="main", language=["python"],
                               rule_sets=[RuleSetV2(language="python", ruleset_id=created)])  # fmt: skip
    tid = client.create_task(CreateTaskRequest(project_id=pid, body=task)).task_id
    v2 = client.check_parameters(CheckParametersRequest(
        project_id=pid, task_id=tid, ruleset_id=created, language="python"))  # fmt: skip
    (group,) = v2.body
    (param,) = group.checker_configs
    assert (group.name, param.cfg_key, param.value, param.status) == (
        "ruff", "ruff:C901.max-complexity", "3", "off")  # fmt: skip
    setting = TaskCheckSettingsItem(cfg_key=param.cfg_key, status="on", cfg_value="5")
    client.list_task_parameter(ListTaskParameterRequest(project_id=pid, task_id=tid,
        body=ConfigTaskParameterBody(check_id=0, ruleset_id=created, language="python",
                                     status="on", task_check_settings=[setting])))  # fmt: skip
    v3 = client.check_ruleset_parameters(CheckRulesetParametersRequest(
        project_id=pid, task_id=tid, ruleset_id=created, language="python", offset=0, limit=10))  # fmt: skip
    assert v3.total == 1
    (param,) = v3.data[0].checker_configs
    assert (param.value, param.default_value, param.status) == ("5", "3", "on")
    exec_id = client.run_task(RunTaskRequest(task_id=tid)).exec_id
    assert api.wait(tid, exec_id)["task_status"] == 2
    defects = client.show_task_defects(ShowTaskDefectsRequest(task_id=tid, offset=0, limit=50))
    assert "ruff:C901" not in {d.defect_checker_name for d in defects.defects}  # 4 <= 5


def test_every_task_settings_operation(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    pid = api.project()
    tid = api.create_task(pid, git_url=str(repo_factory(SETTINGS_FILES)))
    client = _client(api, pid)
    item = TaskAdvancedSettingsItem(key="taskName", value="via-sdk")
    client.update_task_settings(UpdateTaskSettingsRequest(
        project_id=pid, task_id=tid, body=UpdateTaskSettingsRequestBody([item])))  # fmt: skip
    shown = client.show_task_settings(
        ShowTaskSettingsRequest(project_id=pid, task_id=tid, limit=50)
    )
    assert {s.key: s.value for s in shown.info}["taskName"] == "via-sdk"
    assert shown.total == len(shown.info)
    ignore = IgnorePathSettingItem(file_path="legacy", checkbox_status="all")
    client.update_ignore_path(UpdateIgnorePathRequest(
        project_id=pid, task_id=tid, body=UpdateIgnorePathRequestBody([ignore])))  # fmt: skip
    api.wait(tid, api.run(tid))
    tree = client.show_task_path_tree(ShowTaskPathTreeRequest(project_id=pid, task_id=tid))
    assert {n.file_path: n.checkbox_status for n in tree.info}["legacy"] == "all"
    with pytest.raises(exceptions.ClientRequestException) as failed:
        bad = TaskAdvancedSettingsItem(key="customImage", value="img")
        client.update_task_settings(UpdateTaskSettingsRequest(
            project_id=pid, task_id=tid, body=UpdateTaskSettingsRequestBody([bad])))  # fmt: skip
    assert failed.value.status_code == 400 and failed.value.error_code == "CC.00050000"
