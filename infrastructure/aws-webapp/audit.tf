# Anchors of the audit log: the chain head (seq + hash), appended at least every minute and after
# each burst of writes to a log stream outside the database. Someone who can rewrite the database
# cannot rewrite these, so cutting off the newest entries or rewriting a run of them shows when
# the chain is verified. The task role may create streams in and append to this one group, and
# nothing else: no delete, no retention change (the long retention is set here).

resource "aws_cloudwatch_log_group" "audit_anchors" {
  name              = "/codeflow/${local.name}/audit-anchors"
  retention_in_days = var.audit_anchor_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_cloudwatch_log_stream" "audit_anchors" {
  name           = "audit-anchors"
  log_group_name = aws_cloudwatch_log_group.audit_anchors.name
}

data "aws_iam_policy_document" "codeflow_audit_anchors" {
  statement {
    sid       = "AppendAuditAnchors"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.audit_anchors.arn}:*"]
  }
}

# Attached whatever enable_write_actions says: anchoring is part of auditing, not an AWS change.
resource "aws_iam_role_policy" "codeflow_audit_anchors" {
  name   = "codeflow-audit-anchors"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.codeflow_audit_anchors.json
}
