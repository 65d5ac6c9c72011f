import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseDockerfile } from '../../scripts/dockerfile';
import { loadModule, MODULE_DIR, referencesOf, resourceReferences, stripComments, type Block } from './testing/hcl';

/**
 * Terraform cannot download its providers here, so `terraform validate` cannot run: instead the
 * module is parsed with HashiCorp's HCL parser and its structure checked — what the guide's §2.1
 * requires exists and is wired the safe way, every variable used is declared (and every declared
 * one used), the outputs a platform engineer needs exist, and nothing secret is a plain value.
 */
const module = await loadModule();
const ROOT = join(MODULE_DIR, '..', '..');
const resource = (type: string, name: string): Block => {
  const r = module.resources[type]?.[name];
  assert.ok(r, `resource ${type}.${name} is missing`);
  return r;
};
const first = <T>(v: unknown): T => (Array.isArray(v) ? v[0] : v) as T;

describe('terraform module infrastructure/aws-webapp', () => {
  it('parses, and every file is HCL Terraform reads', () => {
    for (const file of ['versions.tf', 'variables.tf', 'outputs.tf', 'network.tf', 'alb.tf', 'ecs.tf', 'iam.tf', 'data.tf', 'secrets.tf']) {
      assert.ok(file in module.sources, `${file} is missing`);
    }
  });

  it('pins Terraform and its providers', () => {
    const [terraform] = module.terraform;
    assert.match(String(terraform?.required_version), /^>= 1\.\d+\.\d+, < 2\.0\.0$/);
    const providers = first<Record<string, { source: string; version: string }>>(terraform?.required_providers);
    assert.equal(providers.aws?.source, 'hashicorp/aws');
    assert.match(providers.aws?.version ?? '', /^~> \d+\.\d+$/, 'aws provider pinned to a minor series');
    assert.equal(providers.random?.source, 'hashicorp/random');
    assert.match(providers.random?.version ?? '', /^~> \d+\.\d+$/);
  });

  it('builds a multi-AZ VPC: public and private subnets in every AZ, NAT for the private ones', () => {
    resource('aws_vpc', 'this');
    for (const tier of ['public', 'private']) {
      const subnet = resource('aws_subnet', tier);
      assert.equal(subnet.count, '${var.az_count}', `${tier} subnets: one per AZ`);
      assert.equal(subnet.availability_zone, '${local.azs[count.index]}');
    }
    assert.equal(resource('aws_subnet', 'public').map_public_ip_on_launch, false);
    resource('aws_internet_gateway', 'this');
    assert.equal(resource('aws_nat_gateway', 'this').subnet_id, '${aws_subnet.public[count.index].id}');
    assert.equal(resource('aws_route', 'private_nat').nat_gateway_id, '${aws_nat_gateway.this[var.single_nat_gateway ? 0 : count.index].id}');
    const azCount = module.variables.az_count!;
    assert.match(String(first<Block>(azCount.validation).condition), /var\.az_count >= 2/);
  });

  it('runs Codeflow on Fargate in the private subnets behind the ALB', () => {
    const service = resource('aws_ecs_service', 'app');
    assert.equal(service.launch_type, 'FARGATE');
    const network = first<Block>(service.network_configuration);
    assert.equal(network.subnets, '${aws_subnet.private[*].id}');
    assert.equal(network.assign_public_ip, false);
    const lb = first<Block>(service.load_balancer);
    assert.equal(lb.target_group_arn, '${aws_lb_target_group.app.arn}');
    assert.equal(first<Block>(service.deployment_circuit_breaker).rollback, true);
    const task = resource('aws_ecs_task_definition', 'app');
    assert.equal(task.network_mode, 'awsvpc');
    assert.deepEqual(task.requires_compatibilities, ['FARGATE']);
    assert.equal(task.task_role_arn, '${aws_iam_role.task.arn}');
    assert.equal(task.container_definitions, '${jsonencode([local.container])}');
    resource('aws_ecs_cluster', 'this');
    resource('aws_appautoscaling_policy', 'cpu');
  });

  it('terminates TLS at the ALB with the ACM certificate and redirects HTTP to HTTPS', () => {
    const alb = resource('aws_lb', 'this');
    assert.equal(alb.load_balancer_type, 'application');
    assert.equal(alb.drop_invalid_header_fields, true);
    const https = resource('aws_lb_listener', 'https');
    assert.equal(https.port, 443);
    assert.equal(https.protocol, 'HTTPS');
    assert.equal(https.certificate_arn, '${var.certificate_arn}');
    assert.match(String(https.ssl_policy), /var\.ssl_policy/);
    assert.match(String(module.variables.ssl_policy!.default), /TLS13/);
    const http = resource('aws_lb_listener', 'http_redirect');
    assert.equal(http.port, 80);
    const action = first<Block>(http.default_action);
    assert.equal(action.type, 'redirect');
    assert.deepEqual(first<Block>(action.redirect), { port: '443', protocol: 'HTTPS', status_code: 'HTTP_301' });
    assert.match(String(first<Block>(module.variables.certificate_arn!.validation).condition), /acm/);
  });

  it('health-checks /api/health at the load balancer and in the container, with the image\'s own command', () => {
    const check = first<Block>(resource('aws_lb_target_group', 'app').health_check);
    assert.equal(check.path, '/api/health');
    assert.equal(resource('aws_lb_target_group', 'app').target_type, 'ip', 'awsvpc tasks register by IP');
    const container = module.locals.container as { healthCheck: { command: string[] } };
    const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    assert.deepEqual(container.healthCheck.command, ['CMD', ...dockerfile.runtime.healthcheck], 'ECS ignores the image HEALTHCHECK, so the task definition repeats it');
    assert.match(readFileSync(join(ROOT, 'scripts', 'healthcheck.mjs'), 'utf8'), /\/api\/health/);
  });

  it('runs the container as the image runs it: its non-root user, its port, a read-only root file system', () => {
    const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    const container = module.locals.container as { user: string; readonlyRootFilesystem: boolean; mountPoints: { containerPath: string }[] };
    assert.equal(dockerfile.runtime.user, 'node');
    assert.equal(container.user, '1000:1000', "the official node images' `node` user");
    assert.equal(String(module.variables.container_port!.default), dockerfile.runtime.env.PORT);
    assert.ok(dockerfile.runtime.expose.includes(dockerfile.runtime.env.PORT!));
    assert.equal(container.readonlyRootFilesystem, true);
    assert.deepEqual(container.mountPoints.map((m) => m.containerPath).sort(), ['/app/.next/cache', '/tmp'], 'scratch space where Next and Node write');
  });

  it('keeps RDS PostgreSQL private, encrypted, backed up (RPO 1 h) and TLS-only', () => {
    const db = resource('aws_db_instance', 'this');
    assert.equal(db.engine, 'postgres');
    assert.equal(db.storage_encrypted, true);
    assert.equal(db.publicly_accessible, false);
    assert.equal(db.backup_retention_period, '${var.db_backup_retention_days}');
    assert.match(String(first<Block>(module.variables.db_backup_retention_days!.validation).condition), />= 1/, 'retention 0 would disable backups');
    assert.equal(db.password, '${random_password.db.result}', 'no literal password');
    assert.deepEqual(db.vpc_security_group_ids, ['${aws_security_group.db.id}']);
    assert.equal(resource('aws_db_subnet_group', 'this').subnet_ids, '${aws_subnet.private[*].id}');
    const forceSsl = (resource('aws_db_parameter_group', 'this').parameter as Block[]).find((p) => p.name === 'rds.force_ssl');
    assert.equal(forceSsl?.value, '1');
  });

  it('keeps ElastiCache Redis private with TLS and AUTH', () => {
    const redis = resource('aws_elasticache_replication_group', 'this');
    assert.equal(redis.transit_encryption_enabled, true);
    assert.equal(redis.at_rest_encryption_enabled, true);
    assert.equal(redis.auth_token, '${random_password.redis.result}');
    assert.deepEqual(redis.security_group_ids, ['${aws_security_group.redis.id}']);
    assert.equal(resource('aws_elasticache_subnet_group', 'this').subnet_ids, '${aws_subnet.private[*].id}');
  });

  it('lets only the tasks reach the database and Redis, and only the ALB reach the tasks', () => {
    assert.equal(resource('aws_vpc_security_group_ingress_rule', 'db_from_app').referenced_security_group_id, '${aws_security_group.app.id}');
    assert.equal(resource('aws_vpc_security_group_ingress_rule', 'redis_from_app').referenced_security_group_id, '${aws_security_group.app.id}');
    assert.equal(resource('aws_vpc_security_group_ingress_rule', 'app_from_alb').referenced_security_group_id, '${aws_security_group.alb.id}');
    const ingress = Object.entries(module.resources.aws_vpc_security_group_ingress_rule ?? {});
    const open = ingress.filter(([, r]) => r.cidr_ipv4 !== undefined).map(([name]) => name).sort();
    assert.deepEqual(open, ['alb_http', 'alb_https'], 'only the load balancer takes traffic from address ranges');
  });

  it('logs to the CloudWatch log group /ecs/codeflow', () => {
    assert.equal(resource('aws_cloudwatch_log_group', 'app').name, '/ecs/codeflow');
    const container = module.locals.container as { logConfiguration: { logDriver: string; options: Record<string, string> } };
    assert.equal(container.logConfiguration.logDriver, 'awslogs');
    assert.equal(container.logConfiguration.options['awslogs-group'], '${aws_cloudwatch_log_group.app.name}');
  });

  it('passes secrets only through Secrets Manager, never as plain environment values', () => {
    const secretNames = Object.keys(module.locals.secret_values as Record<string, string>).sort();
    assert.deepEqual(secretNames, ['CODEFLOW_AUDIT_KEY', 'DATABASE_URL', 'NEXTAUTH_SECRET', 'OIDC_CLIENT_SECRET', 'REDIS_URL']);
    assert.equal(resource('aws_secretsmanager_secret', 'app').for_each, '${toset(keys(local.secret_values))}');
    const container = module.locals.container as { secrets: string; environment: string };
    assert.equal(container.secrets, '${[for k, s in aws_secretsmanager_secret.app : { name = k, valueFrom = s.arn }]}');
    assert.equal(container.environment, '${[for k, v in local.environment : { name = k, value = v } if v != ""]}');
    const env = Object.keys(module.locals.environment as Record<string, string>);
    const secretLooking = env.filter((name) => /SECRET|PASSWORD|TOKEN|KEY|_URL$/.test(name) && name !== 'NEXTAUTH_URL');
    assert.deepEqual(secretLooking, [], 'secret-looking names in the plain environment');
    for (const name of secretNames) assert.ok(!env.includes(name), `${name} must not be in the plain environment`);
    assert.equal(module.variables.oidc_client_secret!.sensitive, true);
    // The execution role reads exactly these secrets.
    const read = (module.data.aws_iam_policy_document!.execution_secrets!.statement as Block[])[0]!;
    assert.equal(read.resources, '${[for s in aws_secretsmanager_secret.app : s.arn]}');
  });

  it('creates the audit key in Secrets Manager and the audit anchor log group and stream, and tells the task where they are', () => {
    assert.equal((module.locals.secret_values as Record<string, string>).CODEFLOW_AUDIT_KEY, '${random_password.audit_key.result}');
    assert.ok(Number(resource('random_password', 'audit_key').length) >= 32);
    const group = resource('aws_cloudwatch_log_group', 'audit_anchors');
    assert.equal(group.retention_in_days, '${var.audit_anchor_retention_days}');
    assert.equal(group.kms_key_id, '${var.kms_key_arn}');
    assert.equal(resource('aws_cloudwatch_log_stream', 'audit_anchors').log_group_name, '${aws_cloudwatch_log_group.audit_anchors.name}');
    const env = module.locals.environment as Record<string, string>;
    assert.equal(env.CODEFLOW_AUDIT_ANCHOR_LOG_GROUP, '${aws_cloudwatch_log_group.audit_anchors.name}');
    assert.equal(env.CODEFLOW_AUDIT_ANCHOR_LOG_STREAM, '${aws_cloudwatch_log_stream.audit_anchors.name}');
  });

  it('sets what a deployed server requires, and every variable it sets is documented in .env.example', () => {
    const env = module.locals.environment as Record<string, string>;
    assert.equal(env.NODE_ENV, 'production');
    assert.equal(env.HOSTNAME, '0.0.0.0');
    for (const name of ['AWS_REGION', 'NEXTAUTH_URL', 'OIDC_ISSUER', 'OIDC_CLIENT_ID', 'PORT']) assert.ok(name in env, `${name} is not set`);
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const names = [...Object.keys(env), ...Object.keys(module.locals.secret_values as object)];
    assert.deepEqual(names.filter((n) => !documented.has(n)), [], 'variables the task sets that .env.example does not document');
  });

  it('declares every variable it uses, uses every variable it declares, and describes each', () => {
    const used = referencesOf(module, 'var');
    const declared = Object.keys(module.variables);
    assert.deepEqual([...used.keys()].filter((v) => !declared.includes(v)).map((v) => `var.${v} (in ${used.get(v)!.join(', ')})`), [], 'undeclared variables');
    assert.deepEqual(declared.filter((v) => !used.has(v)), [], 'declared but unused variables');
    for (const [name, v] of Object.entries(module.variables)) {
      assert.ok(typeof v.description === 'string' && v.description.length > 10, `variable ${name} needs a description`);
      assert.ok(v.type, `variable ${name} needs a type`);
    }
    for (const name of ['container_image', 'certificate_arn', 'domain_name', 'oidc_issuer', 'oidc_client_id', 'oidc_client_secret']) {
      assert.equal(module.variables[name]!.default, undefined, `${name} has no sensible default: it must be required`);
      assert.ok(module.variables[name]!.validation, `${name} should be validated`);
    }
  });

  it('defines every local and resource it references', () => {
    const locals = referencesOf(module, 'local');
    assert.deepEqual([...locals.keys()].filter((l) => !(l in module.locals)), [], 'undefined locals');
    const { resources, data } = resourceReferences(module);
    assert.deepEqual([...resources].filter((r) => { const [t, n] = r.split('.'); return !module.resources[t!]?.[n!]; }), [], 'references to undefined resources');
    assert.deepEqual([...data].filter((r) => { const [t, n] = r.split('.'); return !module.data[t!]?.[n!]; }), [], 'references to undefined data sources');
  });

  it('outputs what a platform engineer needs, each described', () => {
    for (const name of ['alb_dns_name', 'alb_zone_id', 'url', 'oidc_redirect_uri', 'cluster_name', 'service_name', 'log_group_name', 'task_role_arn', 'secret_arns', 'database_endpoint', 'redis_endpoint', 'read_only']) {
      const output = module.outputs[name];
      assert.ok(output, `output ${name} is missing`);
      assert.ok(typeof output.description === 'string' && output.description.length > 5, `output ${name} needs a description`);
    }
    assert.equal(module.outputs.alb_dns_name!.value, '${aws_lb.this.dns_name}');
    assert.equal(module.outputs.log_group_name!.value, '${aws_cloudwatch_log_group.app.name}');
  });

  it('has no literal secrets anywhere in the module', () => {
    for (const [file, source] of Object.entries(module.sources)) {
      const code = stripComments(source);
      for (const m of code.matchAll(/^\s*(password|auth_token|secret_string|secret)\s*=\s*"([^"$]*)"/gm)) {
        assert.fail(`${file}: ${m[1]} is a literal string`);
      }
      assert.doesNotMatch(code, /AKIA[0-9A-Z]{16}/, `${file} contains an access key id`);
    }
  });
});
