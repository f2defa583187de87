-- Who may use a credential in a workflow they save or a node they test: assignee entries (a principal
-- id, role:<role>, group:<group>). NULL: every editor of the tenant (who may save workflows at all).
ALTER TABLE credentials ADD COLUMN usable_by TEXT[];
