// Idempotency keys: each request's answer under its caller's key, kept 24 hours.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261202130000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "idempotency_keys" ("scope" text not null, "key" text not null, "fingerprint" text not null, "response" text not null, "sealed" boolean not null, "created_at" timestamptz not null, constraint "idempotency_keys_pkey" primary key ("scope", "key"));`);
    this.addSql(`create index "idempotency_keys_created_at_index" on "idempotency_keys" ("created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "idempotency_keys" cascade;`);
  }

}
