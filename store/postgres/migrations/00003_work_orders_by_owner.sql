-- +goose Up
-- A customer's page lists the work orders their terminal users own, whatever
-- phone those carry (it found them by a text search for the phone before).
CREATE INDEX work_orders_out_owner ON work_orders (((doc->>'out_owner')::bigint), id) WHERE doc->>'out_owner' IS NOT NULL;

-- +goose Down
DROP INDEX work_orders_out_owner;
