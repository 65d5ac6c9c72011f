# One role in a member account for Codeflow to assume from its own account: read-only (the fleet and
# its telemetry) or operator (those reads and Codeflow's writes). The action lists are exactly what
# lib/aws calls; member-role.test.ts derives them from the source and fails when they disagree.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  operator       = var.variant == "operator"
  role_name      = coalesce(var.role_name, local.operator ? "CodeflowOperator" : "CodeflowReadOnly")
  pass_role_arns = var.pass_role_arns == null ? [] : var.pass_role_arns

  # A cluster name means that cluster in this account, in any Region.
  cluster_arns = [
    for c in var.clusters :
    startswith(c, "arn:") ? c : "arn:${data.aws_partition.current.partition}:ecs:*:${data.aws_caller_identity.current.account_id}:cluster/${c}"
  ]
  # A service and its deployments are named under their cluster:
  # service/<cluster>/<service>, service-deployment/<cluster>/<service>/<id>.
  service_arns = length(local.cluster_arns) == 0 ? ["*"] : flatten([
    for c in local.cluster_arns : [for kind in ["service", "service-deployment"] : "${replace(c, ":cluster/", ":${kind}/")}/*"]
  ])
}

# Only Codeflow's role, only with the external id, and only under a session name Codeflow sets:
# codeflow-read for reads, codeflow-<person> for writes, so CloudTrail here names who acted.
data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "AssumedByCodeflow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [var.codeflow_principal_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [var.external_id]
    }
    condition {
      test     = "StringLike"
      variable = "sts:RoleSessionName"
      values   = ["codeflow-*"]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = local.role_name
  description          = "Codeflow (${var.variant}), assumed from ${var.codeflow_principal_arn}"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = var.max_session_duration
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = !local.operator || var.pass_role_arns != null
      error_message = "An operator role needs pass_role_arns: the task and execution roles of the services it deploys (or [] when none has one)."
    }
    precondition {
      condition     = local.operator || (length(var.clusters) == 0 && length(local.pass_role_arns) == 0)
      error_message = "clusters and pass_role_arns scope an operator's writes; a read-only role has none."
    }
  }
}

# What Codeflow reads: the fleet, deployments, load balancers, alarms and metrics, logs (Logs
# Insights queries are reads), GuardDuty findings, backup recovery points, and the ECR image a
# deploy's tag resolves to.
data "aws_iam_policy_document" "codeflow_read" {
  statement {
    sid = "CodeflowRead"
    actions = [
      "backup:DescribeBackupVault",
      "backup:ListRecoveryPointsByBackupVault",
      "backup:ListRecoveryPointsByResource",
      "cloudwatch:DescribeAlarmHistory",
      "cloudwatch:DescribeAlarms",
      "cloudwatch:GetMetricData",
      "cloudwatch:ListMetrics",
      "ecr:DescribeImages",
      "ecs:DescribeClusters",
      "ecs:DescribeServiceDeployments",
      "ecs:DescribeServiceRevisions",
      "ecs:DescribeServices",
      "ecs:DescribeTaskDefinition",
      "ecs:DescribeTasks",
      "ecs:ListClusters",
      "ecs:ListServiceDeployments",
      "ecs:ListServices",
      "ecs:ListTaskDefinitions",
      "ecs:ListTasks",
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetHealth",
      "guardduty:GetFindings",
      "guardduty:GetFindingsStatistics",
      "guardduty:ListDetectors",
      "guardduty:ListFindings",
      "logs:DescribeLogGroups",
      "logs:DescribeLogStreams",
      "logs:FilterLogEvents",
      "logs:GetLogEvents",
      "logs:GetQueryResults",
      "logs:StartQuery",
      "logs:StopQuery",
    ]
    resources = ["*"]
  }
}

# What Codeflow changes. Registering a task definition, moving a listener, alarms and findings
# have no cluster to scope to; a service's updates and its deployments do.
data "aws_iam_policy_document" "codeflow_write" {
  statement {
    sid = "CodeflowWrite"
    actions = [
      "cloudwatch:DeleteAlarms",
      "cloudwatch:DisableAlarmActions",
      "cloudwatch:EnableAlarmActions",
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:SetAlarmState",
      "ecs:RegisterTaskDefinition",
      "elasticloadbalancing:ModifyListener",
      "guardduty:ArchiveFindings",
      "guardduty:UnarchiveFindings",
    ]
    resources = ["*"]
  }

  statement {
    sid = "CodeflowWriteServices"
    actions = [
      "ecs:ContinueServiceDeployment",
      "ecs:StopServiceDeployment",
      "ecs:UpdateService",
    ]
    resources = local.service_arns
  }

  # A new revision keeps its task and execution roles, and registering it passes them to ECS:
  # allowed only towards ECS tasks, and only for the roles listed.
  dynamic "statement" {
    for_each = length(local.pass_role_arns) == 0 ? [] : [local.pass_role_arns]
    content {
      sid       = "PassTaskRolesToEcs"
      actions   = ["iam:PassRole"]
      resources = statement.value
      condition {
        test     = "StringEquals"
        variable = "iam:PassedToService"
        values   = ["ecs-tasks.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "codeflow_read" {
  name   = "codeflow-read"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.codeflow_read.json
}

resource "aws_iam_role_policy" "codeflow_write" {
  count  = local.operator ? 1 : 0
  name   = "codeflow-write"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.codeflow_write.json
}
