-- +goose Up
-- Issue 19: binding a customer's WeChat checks that nobody else holds the
-- openid; without these it read every terminal user.
CREATE INDEX terminal_users_wechat_openid ON terminal_users ((doc->>'wechat_openid')) WHERE doc->>'wechat_openid' IS NOT NULL;
CREATE INDEX terminal_users_miniprogram_openid ON terminal_users ((doc->>'miniprogram_openid')) WHERE doc->>'miniprogram_openid' IS NOT NULL;

-- +goose Down
DROP INDEX terminal_users_miniprogram_openid, terminal_users_wechat_openid;
