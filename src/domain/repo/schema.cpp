#include "domain/repo/schema.h"

namespace dcmms::domain {

// Every entity table keeps the full entity as a JSON document (`doc`, the API rendering
// minus secrets) plus the columns that queries filter, sort and join on. Columns are written
// from the document on every save, so they cannot disagree with it.
#define DCMMS_ENTITY_COLUMNS                                                                  \
  "tenant_id TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, version BIGINT NOT NULL, " \
  "created_at BIGINT NOT NULL, created_by TEXT, updated_at BIGINT NOT NULL, updated_by TEXT, deleted_at BIGINT, "

const std::vector<store::Migration>& schemaMigrations() {
  static const std::vector<store::Migration> migrations = {
      {1, "core entities",
       "CREATE TABLE tenants (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL);"
       "INSERT INTO tenants (id, name, created_at) VALUES ('default', 'Default tenant', 0);"

       "CREATE TABLE sites (" DCMMS_ENTITY_COLUMNS
       "name TEXT, type TEXT, status TEXT, PRIMARY KEY (tenant_id, id));"

       "CREATE TABLE zones (" DCMMS_ENTITY_COLUMNS
       "site_id TEXT NOT NULL, name TEXT, PRIMARY KEY (tenant_id, id));"

       "CREATE TABLE assets (" DCMMS_ENTITY_COLUMNS
       "site_id TEXT NOT NULL, zone_id TEXT, parent_asset_id TEXT, type TEXT, category TEXT, status TEXT, name TEXT, "
       "PRIMARY KEY (tenant_id, id));"
       "CREATE INDEX assets_site ON assets (tenant_id, site_id);"
       "CREATE INDEX assets_parent ON assets (tenant_id, parent_asset_id);"

       "CREATE TABLE users (" DCMMS_ENTITY_COLUMNS
       "email TEXT NOT NULL, role TEXT NOT NULL, status TEXT NOT NULL, name TEXT, site_ids TEXT, "
       "password_hash TEXT, password_history TEXT NOT NULL DEFAULT '[]', password_changed_at BIGINT, "
       "must_change_password BIGINT NOT NULL DEFAULT 0, failed_logins BIGINT NOT NULL DEFAULT 0, locked_until BIGINT, "
       "mfa_enabled BIGINT NOT NULL DEFAULT 0, mfa_secret TEXT, mfa_pending_secret TEXT, backup_codes TEXT NOT NULL DEFAULT '[]', "
       "last_totp_step BIGINT NOT NULL DEFAULT 0, tokens_valid_after BIGINT NOT NULL DEFAULT 0, last_login_at BIGINT, "
       "PRIMARY KEY (tenant_id, id));"
       "CREATE UNIQUE INDEX users_email ON users (email);"

       "CREATE TABLE crews (" DCMMS_ENTITY_COLUMNS "site_id TEXT, name TEXT, PRIMARY KEY (tenant_id, id));"

       "CREATE TABLE work_orders (" DCMMS_ENTITY_COLUMNS
       "site_id TEXT NOT NULL, asset_id TEXT, status TEXT NOT NULL, priority TEXT NOT NULL, priority_rank BIGINT NOT NULL, "
       "type TEXT NOT NULL, title TEXT NOT NULL, assigned_to TEXT, scheduled_start BIGINT, scheduled_end BIGINT, "
       "PRIMARY KEY (tenant_id, id));"
       "CREATE INDEX wo_created ON work_orders (tenant_id, created_at);"
       "CREATE INDEX wo_site_created ON work_orders (tenant_id, site_id, created_at);"
       "CREATE INDEX wo_assigned ON work_orders (tenant_id, assigned_to, created_at);"
       "CREATE INDEX wo_asset ON work_orders (tenant_id, asset_id, status);"
       "CREATE INDEX wo_status ON work_orders (tenant_id, status);"

       "CREATE TABLE wo_counters (tenant_id TEXT NOT NULL, day TEXT NOT NULL, next_value BIGINT NOT NULL, "
       "PRIMARY KEY (tenant_id, day));"

       "CREATE TABLE permit_index (tenant_id TEXT NOT NULL, permit_id TEXT NOT NULL, work_order_id TEXT NOT NULL, "
       "PRIMARY KEY (tenant_id, permit_id));"

       "CREATE TABLE attachments (tenant_id TEXT NOT NULL, id TEXT NOT NULL, work_order_id TEXT NOT NULL, "
       "site_id TEXT NOT NULL, file_name TEXT NOT NULL, mime_type TEXT NOT NULL, file_size BIGINT NOT NULL, "
       "sha256 TEXT NOT NULL, storage_path TEXT NOT NULL, attachment_type TEXT, uploaded_by TEXT NOT NULL, "
       "uploaded_at BIGINT NOT NULL, deleted_at BIGINT, PRIMARY KEY (tenant_id, id));"
       "CREATE INDEX attachments_wo ON attachments (tenant_id, work_order_id);"

       "CREATE TABLE api_keys (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL, "
       "prefix TEXT NOT NULL, key_hash TEXT NOT NULL, scopes TEXT NOT NULL, site_ids TEXT NOT NULL DEFAULT '[]', "
       "created_at BIGINT NOT NULL, expires_at BIGINT, revoked_at BIGINT, last_used_at BIGINT);"
       "CREATE UNIQUE INDEX api_keys_hash ON api_keys (key_hash);"

       "CREATE TABLE refresh_tokens (token_hash TEXT PRIMARY KEY, family_id TEXT NOT NULL, user_id TEXT NOT NULL, "
       "tenant_id TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT, revoked_at BIGINT);"
       "CREATE INDEX refresh_family ON refresh_tokens (family_id);"
       "CREATE INDEX refresh_user ON refresh_tokens (user_id);"

       "CREATE TABLE revoked_tokens (jti TEXT PRIMARY KEY, expires_at BIGINT NOT NULL);"

       "CREATE TABLE audit_log (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, entity_type TEXT NOT NULL, "
       "entity_id TEXT NOT NULL, action TEXT NOT NULL, from_state TEXT, to_state TEXT, user_id TEXT, request_id TEXT, "
       "ip TEXT, at BIGINT NOT NULL, seq BIGINT NOT NULL, before_doc TEXT, after_doc TEXT, reason TEXT);"
       "CREATE INDEX audit_entity ON audit_log (tenant_id, entity_type, entity_id);"
       "CREATE INDEX audit_at ON audit_log (tenant_id, at);"

       "CREATE TABLE idempotency_keys (tenant_id TEXT NOT NULL, user_id TEXT NOT NULL, idem_key TEXT NOT NULL, "
       "method TEXT NOT NULL, path TEXT NOT NULL, status BIGINT NOT NULL, body TEXT NOT NULL, created_at BIGINT NOT NULL, "
       "PRIMARY KEY (tenant_id, user_id, idem_key));"},
      {2, "telemetry dead letters and batches",
       "CREATE TABLE telemetry_dead_letters (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, received_at BIGINT NOT NULL, "
       "source TEXT NOT NULL, idx BIGINT NOT NULL, topic TEXT NOT NULL, lp_precision TEXT NOT NULL, raw TEXT NOT NULL, "
       "reasons TEXT NOT NULL, replayed_at BIGINT);"
       "CREATE INDEX tdl_tenant ON telemetry_dead_letters (tenant_id, received_at);"
       "CREATE TABLE telemetry_batches (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, received_at BIGINT NOT NULL, "
       "source TEXT NOT NULL, accepted BIGINT NOT NULL, duplicates BIGINT NOT NULL, rejected BIGINT NOT NULL);"
       "CREATE INDEX tb_tenant ON telemetry_batches (tenant_id, received_at);"},
  };
  return migrations;
}

}  // namespace dcmms::domain
