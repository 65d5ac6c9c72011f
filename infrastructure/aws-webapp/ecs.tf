# The Codeflow service: Fargate tasks in the private subnets (awsvpc), behind the ALB, logging to
# CloudWatch Logs, scaled on CPU. Several tasks share the PostgreSQL database and the Redis cache.

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/codeflow"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_ecs_cluster" "this" {
  name = local.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

locals {
  # Plain configuration only: nothing secret here (see secrets.tf). Empty values are left out.
  environment = {
    NODE_ENV              = "production"
    CODEFLOW_MODE         = "aws"
    PORT                  = tostring(var.container_port)
    HOSTNAME              = "0.0.0.0"
    AWS_REGION            = var.region
    NEXTAUTH_URL          = "https://${var.domain_name}"
    OIDC_ISSUER           = var.oidc_issuer
    OIDC_CLIENT_ID        = var.oidc_client_id
    OIDC_GROUPS_CLAIM     = var.oidc_groups_claim
    CODEFLOW_ORG_NAME     = var.org_name
    CODEFLOW_CLUSTERS     = join(",", var.clusters)
    CODEFLOW_ROLE_MAPPING = length(var.role_mapping) == 0 ? "" : jsonencode(var.role_mapping)
    # Where the audit chain's head is anchored (audit.tf); the key is a secret (secrets.tf).
    CODEFLOW_AUDIT_ANCHOR_LOG_GROUP  = aws_cloudwatch_log_group.audit_anchors.name
    CODEFLOW_AUDIT_ANCHOR_LOG_STREAM = aws_cloudwatch_log_stream.audit_anchors.name
  }

  container = {
    name      = "codeflow"
    image     = var.container_image
    essential = true
    portMappings = [{
      containerPort = var.container_port
      protocol      = "tcp"
    }]
    environment = [for k, v in local.environment : { name = k, value = v } if v != ""]
    secrets     = [for k, s in aws_secretsmanager_secret.app : { name = k, valueFrom = s.arn }]
    # The image's own HEALTHCHECK, repeated because ECS ignores Docker's: the process answers
    # /api/health (200 healthy, 503 AWS unreachable — still serving, so not restarted for it).
    healthCheck = {
      command     = ["CMD", "node", "healthcheck.mjs"]
      interval    = 15
      timeout     = 5
      retries     = 3
      startPeriod = 30
    }
    readonlyRootFilesystem = true
    user                   = "1000:1000" # the image's `node` user
    linuxParameters = {
      initProcessEnabled = true
    }
    mountPoints = [
      { sourceVolume = "next-cache", containerPath = "/app/.next/cache", readOnly = false },
      { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false },
    ]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.app.name
        awslogs-region        = var.region
        awslogs-stream-prefix = "codeflow"
      }
    }
  }
}

resource "aws_ecs_task_definition" "app" {
  family                   = local.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.task_cpu
  memory                   = var.task_memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode([local.container])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # Writable scratch space on a read-only root file system (Fargate task storage).
  volume {
    name = "next-cache"
  }
  volume {
    name = "tmp"
  }
}

resource "aws_ecs_service" "app" {
  name                              = "codeflow"
  cluster                           = aws_ecs_cluster.this.id
  task_definition                   = aws_ecs_task_definition.app.arn
  desired_count                     = var.desired_count
  launch_type                       = "FARGATE"
  platform_version                  = "LATEST"
  health_check_grace_period_seconds = 60
  propagate_tags                    = "SERVICE"
  enable_execute_command            = false

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.app.arn
    container_name   = "codeflow"
    container_port   = var.container_port
  }

  lifecycle {
    # Auto scaling owns the count after the first apply.
    ignore_changes = [desired_count]
  }

  depends_on = [aws_lb_listener.https, aws_iam_role_policy.execution_secrets]
}

resource "aws_appautoscaling_target" "app" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.app.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_count
  max_capacity       = var.max_count
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${local.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.app.service_namespace
  resource_id        = aws_appautoscaling_target.app.resource_id
  scalable_dimension = aws_appautoscaling_target.app.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_percent
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
