"""A Cognite Function that asks people to approve its workflow task, then ends.

The workflow task that runs this function must be defined with ``isAsyncComplete: true``. CDF
injects the task's own execution id as ``data["cogniteOrchestrationTaskId"]``; the function
creates an *approval* for it with taskgate and returns. taskgate mails each approver their own
signed link (when ``approvals.mail`` is configured; otherwise hand out the returned links). When
the policy is met, taskgate tells CDF: COMPLETED when approved; FAILED_WITH_TERMINAL_ERROR when
rejected or expired (unless ``onReject`` / ``onExpire`` say "complete"). The task output carries
``approval = {id, outcome, decisions: [{email, name?, decision, comment?, decidedAt}]}``, so the
next task can read who decided what.

Configure it with function secrets (never hard-code them):
  TASKGATE_URL      e.g. https://taskgate.example.com
  TASKGATE_API_KEY  an API key whose SHA-256 is listed under "api.keys" in taskgate's config
"""

import json
import os
import urllib.error
import urllib.request


def create_approval(base_url, api_key, task_id, title, approvers, policy=None, description=None,
                    ttl="24h", notify=None, on_reject=None, execution_id=None):
    """POST /v1/approvals and return taskgate's answer (with one link per approver)."""
    body = {
        "taskId": task_id,
        "title": title,
        "approvers": approvers,  # [{"email": ..., "name": ...}]
        "policy": policy or {"kind": "any"},  # "any" | "all" | {"kind": "quorum", "count": n}
        "ttl": ttl,
    }
    if execution_id:
        # With the execution, taskgate first asks CDF whether the task can still take an update
        # (409 task_not_in_progress otherwise); a bare task id is checked only against taskgate.
        body["executionId"] = execution_id
    if description:
        body["description"] = description  # plain text or a small Markdown subset
    if notify is not None:
        body["notify"] = notify
    if on_reject:
        body["onReject"] = on_reject  # "fail" (default) or "complete"
    request = urllib.request.Request(
        base_url.rstrip("/") + "/v1/approvals",
        data=json.dumps(body).encode("utf-8"),
        headers={"authorization": "Bearer " + api_key, "content-type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as err:
        # taskgate answers {"error": {"code", "message", "requestId"}}; surface it in the task log.
        detail = err.read().decode("utf-8", "replace")
        raise RuntimeError(f"taskgate refused the approval ({err.code}): {detail}") from err


def handle(client, data, secrets=None):
    secrets = secrets or {}
    base_url = secrets.get("taskgate-url") or os.environ["TASKGATE_URL"]
    api_key = secrets.get("taskgate-api-key") or os.environ["TASKGATE_API_KEY"]
    approval = create_approval(
        base_url,
        api_key,
        task_id=data["cogniteOrchestrationTaskId"],
        execution_id=data.get("executionId"),  # pass it in the task's data when the workflow knows it
        title=data.get("title", "Approve the workflow step"),
        description=data.get("description"),
        approvers=data["approvers"],
        policy=data.get("policy"),
        ttl=data.get("ttl", "24h"),
    )
    # The links are personal: taskgate mails them when it is configured to. Return only ids here,
    # so the links do not end up in the function's logs.
    return {"approvalId": approval["id"], "expiresAt": approval["expiresAt"], "notify": approval["notify"]}


if __name__ == "__main__":
    # Local try-out against `npm start` (local mode, which has no mail): create an execution in
    # the emulator first and pass its task id (and execution id):
    #   python3 approval_handler.py <TASK_ID> [<EXEC_ID>]
    # It prints the links, since nobody mails them locally.
    import sys

    approval = create_approval(
        os.environ.get("TASKGATE_URL", "http://127.0.0.1:8080"),
        os.environ.get("TASKGATE_API_KEY", "local-dev-key"),
        task_id=sys.argv[1],
        execution_id=(sys.argv[2:] or [None])[0],
        title="Publish the monthly production report",
        description="Check the **totals** against the plant log before approving.",
        approvers=[{"email": "ada@example.com", "name": "Ada"}, {"email": "bo@example.com"}],
        policy={"kind": "all"},
        ttl="2h",
    )
    print(json.dumps({"approvalId": approval["id"], "links": approval["links"]}, indent=2))
