// Integrations: vendor connections with sealed credentials, webhook deliveries (redeliveries answered once),
// Asana as a link source (outbound push), and the audit entity type and actions for integrations.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261123111850 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "integrations" ("id" uuid not null, "project_id" int not null, "type" text check ("type" in ('github', 'jira', 'linear', 'asana')) not null, "settings" jsonb not null, "status_map" jsonb not null, "is_active" boolean not null, "access_token_sealed" text not null, "webhook_secret_sealed" text not null, "created_by_id" int null, "created_at" timestamptz not null, "last_synced_at" timestamptz null, constraint "integrations_pkey" primary key ("id"));`);
    this.addSql(`create index "integrations_project_id_created_at_id_index" on "integrations" ("project_id", "created_at", "id");`);

    this.addSql(`create table "webhook_deliveries" ("integration_id" uuid not null, "delivery_id" text not null, "status" int not null, "body" jsonb not null, "received_at" timestamptz not null, constraint "webhook_deliveries_pkey" primary key ("integration_id", "delivery_id"));`);

    this.addSql(`alter table "integrations" add constraint "integrations_project_id_foreign" foreign key ("project_id") references "projects" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "integrations" add constraint "integrations_created_by_id_foreign" foreign key ("created_by_id") references "workers" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_integration_id_foreign" foreign key ("integration_id") references "integrations" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "audit_log" drop constraint if exists "audit_log_entity_type_check";`);
    this.addSql(`alter table "audit_log" drop constraint if exists "audit_log_action_check";`);

    this.addSql(`alter table "external_links" drop constraint if exists "external_links_source_check";`);

    this.addSql(`alter table "audit_log" add constraint "audit_log_entity_type_check" check("entity_type" in ('project', 'task', 'member', 'agent', 'api_token', 'integration'));`);
    this.addSql(`alter table "audit_log" add constraint "audit_log_action_check" check("action" in ('created', 'updated', 'deleted', 'status_changed', 'status_synced', 'progress_updated', 'assigned', 'unassigned', 'approved', 'rejected', 'synced', 'member_added', 'role_changed', 'member_removed', 'token_created', 'token_revoked', 'integration_created', 'integration_deleted'));`);

    this.addSql(`alter table "external_links" add constraint "external_links_source_check" check("source" in ('jira', 'linear', 'github', 'custom', 'asana'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "webhook_deliveries" drop constraint "webhook_deliveries_integration_id_foreign";`);

    this.addSql(`drop table if exists "integrations" cascade;`);

    this.addSql(`drop table if exists "webhook_deliveries" cascade;`);

    this.addSql(`alter table "audit_log" drop constraint if exists "audit_log_entity_type_check";`);
    this.addSql(`alter table "audit_log" drop constraint if exists "audit_log_action_check";`);

    this.addSql(`alter table "external_links" drop constraint if exists "external_links_source_check";`);

    this.addSql(`alter table "audit_log" add constraint "audit_log_entity_type_check" check("entity_type" in ('project', 'task', 'member', 'agent', 'api_token'));`);
    this.addSql(`alter table "audit_log" add constraint "audit_log_action_check" check("action" in ('created', 'updated', 'deleted', 'status_changed', 'status_synced', 'progress_updated', 'assigned', 'unassigned', 'approved', 'rejected', 'synced', 'member_added', 'role_changed', 'member_removed', 'token_created', 'token_revoked'));`);

    this.addSql(`alter table "external_links" add constraint "external_links_source_check" check("source" in ('jira', 'linear', 'github', 'custom'));`);
  }

}
