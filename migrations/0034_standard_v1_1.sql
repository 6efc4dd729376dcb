-- Unified data standard v1.1 (src/standard/standard.ts): three optional fields, so files written
-- to v1.0 without them still load (the columns stay null).
-- Repayment: overdue interest and penalty charged on the instalment by the period end; together
-- they are capped at four times the one-year LPR (Fa Shi [2020] No.17 Art.28-29).
alter table filed_repayment add column overdue_interest_fen bigint;
alter table filed_repayment add column penalty_fen bigint;
-- Payment: when the payer's real-name identity was verified, which must precede the payment
-- (PBOC Announcement [2015] No.43; State Council Order 768 Art.21).
alter table filed_payment add column payer_verified_at timestamptz;
