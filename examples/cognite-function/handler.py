"""A Cognite Function that parks its workflow task until a third party calls back.

The workflow task that runs this function must be defined with ``isAsyncComplete: true``. CDF
injects the task's own execution id as ``data["cogniteOrchestrationTaskId"]``; the function
registers a *wait* for it with taskgate, hands the callback URL to the third party (here: it
just returns it), and ends. The task stays IN_PROGRESS until the callback arrives, then taskgate
tells CDF to complete it, with the callback's output merged into the task output.

Configure it with function secrets (never hard-code them):
  TASKGATE_URL      e.g. https://taskgate.example.com
  TASKGATE_API_KEY  an API key whose SHA-256 is listed under "api.keys" in taskgate's config
"""

import json
import os
import urllib.error
import urllib.request


def register_wait(base_url, api_key, task_id, ttl="24h", output=None, source=None, correlation_key=None,
                  execution_id=None):
    """POST /v1/waits and return taskgate's answer (with "callbackUrl")."""
    body = {"taskId": task_id, "ttl": ttl}
    if execution_id:
        # With the execution, taskgate first asks CDF whether the task can still take an update
        # (409 task_not_in_progress otherwise); a bare task id is checked only against taskgate.
        body["executionId"] = execution_id
    if output:
        body["output"] = output  # merged under whatever the callback sends
    if source and correlation_key:
        body["source"], body["correlationKey"] = source, correlation_key
    request = urllib.request.Request(
        base_url.rstrip("/") + "/v1/waits",
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
        raise RuntimeError(f"taskgate refused the wait ({err.code}): {detail}") from err


def handle(client, data, secrets=None):
    secrets = secrets or {}
    task_id = data["cogniteOrchestrationTaskId"]
    base_url = secrets.get("taskgate-url") or os.environ["TASKGATE_URL"]
    api_key = secrets.get("taskgate-api-key") or os.environ["TASKGATE_API_KEY"]

    wait = register_wait(
        base_url,
        api_key,
        task_id,
        execution_id=data.get("executionId"),  # pass ${workflow.input.executionId} or similar, if known
        ttl=data.get("ttl", "24h"),
        output={"requestedBy": data.get("requestedBy", "workflow")},
    )
    # Hand wait["callbackUrl"] to the system that will finish the work: put it in a ticket, an
    # e-mail, a LIMS order... That system POSTs {"status": "COMPLETED", "output": {...}} to it.
    return {"waitId": wait["id"], "callbackUrl": wait["callbackUrl"], "expiresAt": wait["expiresAt"]}


if __name__ == "__main__":
    # Local try-out against `npm start` (local mode): create an execution in the emulator first
    # and pass its task id (and execution id):  python3 handler.py <TASK_ID> [<EXEC_ID>]
    import sys

    local = {
        "taskgate-url": os.environ.get("TASKGATE_URL", "http://127.0.0.1:8080"),
        "taskgate-api-key": os.environ.get("TASKGATE_API_KEY", "local-dev-key"),
    }
    print(json.dumps(handle(None, {"cogniteOrchestrationTaskId": sys.argv[1], "executionId": (sys.argv[2:] or [None])[0]}, local), indent=2))
