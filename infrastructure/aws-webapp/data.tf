# RDS PostgreSQL and ElastiCache Redis, both in the private subnets, encrypted at rest and in
# transit, reachable only from the Codeflow tasks' security group.

resource "random_password" "db" {
  length  = 40
  special = false # the password goes into a URL: letters and digits need no escaping
}

resource "aws_db_subnet_group" "this" {
  name       = local.name
  subnet_ids = aws_subnet.private[*].id
}

resource "aws_db_parameter_group" "this" {
  name   = local.name
  family = "postgres${split(".", var.db_engine_version)[0]}"

  # Refuse unencrypted connections: DATABASE_URL asks for sslmode=require.
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}

resource "aws_db_instance" "this" {
  identifier                 = local.name
  engine                     = "postgres"
  engine_version             = var.db_engine_version
  instance_class             = var.db_instance_class
  allocated_storage          = var.db_allocated_storage
  max_allocated_storage      = var.db_max_allocated_storage
  storage_type               = "gp3"
  storage_encrypted          = true
  kms_key_id                 = var.kms_key_arn
  db_name                    = "codeflow"
  username                   = "codeflow"
  password                   = random_password.db.result
  db_subnet_group_name       = aws_db_subnet_group.this.name
  parameter_group_name       = aws_db_parameter_group.this.name
  vpc_security_group_ids     = [aws_security_group.db.id]
  publicly_accessible        = false
  multi_az                   = var.db_multi_az
  auto_minor_version_upgrade = true
  # Automated backups with point-in-time recovery (transaction logs every 5 minutes): meets the
  # guide's RPO of 1 hour (§6.6). Retention is how far back a restore can go.
  backup_retention_period         = var.db_backup_retention_days
  backup_window                   = "03:00-04:00"
  maintenance_window              = "sun:04:30-sun:05:30"
  copy_tags_to_snapshot           = true
  deletion_protection             = var.deletion_protection
  skip_final_snapshot             = false
  final_snapshot_identifier       = "${local.name}-final"
  performance_insights_enabled    = true
  enabled_cloudwatch_logs_exports = ["postgresql"]
  apply_immediately               = false
}

resource "random_password" "redis" {
  length  = 64
  special = false # ElastiCache AUTH tokens allow only some symbols; letters and digits are safe
}

resource "aws_elasticache_subnet_group" "this" {
  name       = local.name
  subnet_ids = aws_subnet.private[*].id
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id       = local.name
  description                = "Codeflow shared cache"
  engine                     = "redis"
  engine_version             = var.redis_engine_version
  node_type                  = var.redis_node_type
  num_cache_clusters         = var.redis_replicas + 1
  port                       = 6379
  subnet_group_name          = aws_elasticache_subnet_group.this.name
  security_group_ids         = [aws_security_group.redis.id]
  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  auth_token                 = random_password.redis.result
  automatic_failover_enabled = var.redis_replicas > 0
  multi_az_enabled           = var.redis_replicas > 0
  apply_immediately          = false
  snapshot_retention_limit   = 0 # a cache: nothing in it that cannot be fetched again
}
