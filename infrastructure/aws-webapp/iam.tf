# Two roles. The execution role is ECS's: pull the image, write the log stream, read the four
# secrets at task start. The task role is Codeflow's: exactly the AWS actions lib/aws calls,
# read actions in one policy and write actions in another, so `enable_write_actions = false`
# gives a read-only console (writes then fail at AWS with AccessDenied, whatever the app's roles
# say). `infrastructure/aws-webapp/terraform.test.ts` derives the actions from lib/aws and fails
# when these lists and the code disagree. Appending the audit anchors is the one write outside
# those two policies: scoped to its own log group and never switched off (audit.tf).

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:ecs:${var.region}:${data.aws_caller_identity.current.account_id}:*"]
    }
  }
}

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

resource "aws_iam_role" "execution" {
  name               = "${local.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "execution_managed" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "execution_secrets" {
  statement {
    sid       = "ReadCodeflowSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [for s in aws_secretsmanager_secret.app : s.arn]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "DecryptCodeflowSecrets"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "execution_secrets" {
  name   = "read-codeflow-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution_secrets.json
}

resource "aws_iam_role" "task" {
  name               = "${local.name}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

# What Codeflow reads: the fleet, deployments, load balancers, alarms and metrics, logs (Logs
# Insights queries are reads: StartQuery/StopQuery change nothing but the query), GuardDuty
# findings, backup recovery points, and the ECR image a deploy's tag resolves to (its digest).
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

# What Codeflow changes: deployments, rollbacks and scaling (ECS), traffic shifts (ELB listener),
# a service's alarms: created, changed, deleted, actions on or off, tested (CloudWatch), finding triage (GuardDuty).
data "aws_iam_policy_document" "codeflow_write" {
  statement {
    sid = "CodeflowWrite"
    actions = [
      "cloudwatch:DeleteAlarms",
      "cloudwatch:DisableAlarmActions",
      "cloudwatch:EnableAlarmActions",
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:SetAlarmState",
      "ecs:ContinueServiceDeployment",
      "ecs:DeregisterTaskDefinition",
      "ecs:RegisterTaskDefinition",
      "ecs:StopServiceDeployment",
      "ecs:UpdateService",
      "elasticloadbalancing:ModifyListener",
      "guardduty:ArchiveFindings",
      "guardduty:UnarchiveFindings",
    ]
    resources = ["*"]
  }

  # A new task-definition revision keeps its task and execution roles, and registering it passes
  # them to ECS: allowed only towards ECS tasks, and only for the roles listed.
  statement {
    sid       = "PassTaskRolesToEcs"
    actions   = ["iam:PassRole"]
    resources = var.passable_role_arns
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "codeflow_read" {
  name   = "codeflow-read"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.codeflow_read.json
}

resource "aws_iam_role_policy" "codeflow_write" {
  count  = var.enable_write_actions ? 1 : 0
  name   = "codeflow-write"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.codeflow_write.json
}

# Other accounts: Codeflow reads and writes there through the roles it assumes (their own policies,
# infrastructure/member-account-role, decide what it may do), and only the roles listed. A
# read-only console (enable_write_actions = false) should list only read-only roles: the
# precondition refuses the module's default operator role name.
data "aws_iam_policy_document" "assume_member_roles" {
  count = length(var.member_account_roles) > 0 ? 1 : 0

  statement {
    sid       = "AssumeMemberAccountRoles"
    actions   = ["sts:AssumeRole"]
    resources = var.member_account_roles
  }
}

resource "aws_iam_role_policy" "assume_member_roles" {
  count  = length(var.member_account_roles) > 0 ? 1 : 0
  name   = "codeflow-assume-member-roles"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.assume_member_roles[0].json

  lifecycle {
    precondition {
      condition     = var.enable_write_actions || length([for a in var.member_account_roles : a if endswith(a, ":role/CodeflowOperator")]) == 0
      error_message = "enable_write_actions = false makes a read-only console, but member_account_roles lists a CodeflowOperator role, through which Codeflow could still write."
    }
  }
}
