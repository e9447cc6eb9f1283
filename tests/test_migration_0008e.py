"""Migration 0008e on a database with opinions and feedback: every existing row gets its text
hash and campaign key (the queue no longer computes them when viewed), keys already given are
kept, and the new columns have their defaults."""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db

CAMPAIGN = "坚决反对在居民区附近建设垃圾中转站，请政府重新选址，保障居民健康。"


def _opinion(conn, i: int, body: str, group_key: str = "") -> None:
    conn.execute(
        sa.text(
            "INSERT INTO opinions (id, decision_id, consultation_id, receipt_code, body, clause, "
            "display_name, publish_name_consent, consent_version, contact_email, contact_phone, "
            "status, adoption, response, submitted_at, content_hash, ip_hash, group_key) "
            "VALUES (:i, 1, 1, :code, :body, '', '', 0, '2026-11', '', '', 'received', "
            "'pending', '', '2026-11-20 00:00:00', :hash, '', :key)"
        ),
        {"i": i, "code": f"CODE{i:08d}", "body": body, "hash": f"h{i}", "key": group_key},
    )


def test_0008e_backfills_text_hashes_and_campaign_keys(tmp_path):
    from flask_migrate import upgrade

    from portal import create_app
    from portal.config import TestConfig
    from portal.services.moderation import text_hash

    app = create_app(TestConfig(tmp_path))
    with app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as conn:
            for sql in (
                "INSERT INTO governments (id, slug, name, name_en, level, sort_order, address, "
                "phone) VALUES (1, 'chifeng', '赤峰市', 'Chifeng', 'city', 0, '', '')",
                "INSERT INTO departments (id, government_id, slug, name, name_en, kind, "
                "sort_order) VALUES (1, 1, 'housing', '市住建局', 'Housing', 'ordinary', 0)",
                "INSERT INTO decisions (id, government_id, year, title, summary, category, "
                "source, undertaking_unit_id, stage, non_disclosable, non_disclosable_basis, "
                "is_complex, high_public_concern, public_feedback_contact, created_at, "
                "updated_at, stage_changed_at) VALUES (1, 1, 2026, '垃圾分类', '', "
                "'development_plan', 'catalog', 1, 'consultation', 0, '', 0, 0, '', "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
                "INSERT INTO consultations (id, decision_id, title, notice, opens_at, closes_at, "
                "shortened_reason, channels, contact_department, contact_person, contact_phone, "
                "contact_email, postal_address, created_at) VALUES (1, 1, '征求意见', '', "
                "'2026-11-15 16:00:00', '2026-12-16 16:00:00', '', '', '', '', '', '', '', "
                "'2026-11-15 16:00:00')",
            ):
                conn.execute(sa.text(sql))
            _opinion(conn, 1, CAMPAIGN, group_key="kept-key")  # grouped when it was viewed
            _opinion(conn, 2, CAMPAIGN + "!!")  # same text, never viewed
            _opinion(conn, 3, CAMPAIGN + "谢谢")  # near-identical
            _opinion(conn, 4, "建议增设电动自行车充电桩。")
            conn.execute(
                sa.text(
                    "INSERT INTO public_feedback (id, decision_id, receipt_code, body, "
                    "display_name, publish_name_consent, consent_version, contact_email, "
                    "contact_phone, status, published_body, submitted_at, content_hash, ip_hash) "
                    "VALUES (1, 1, 'FB0000000001', :body, '', 0, '2026-11', '', '', 'received', "
                    "'', '2026-11-20 00:00:00', 'x', '')"
                ),
                {"body": "停车位不足。"},
            )
        upgrade(revision="0008e")
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT id, text_hash, group_key, channel FROM opinions ORDER BY id")
            ).all()
            feedback = conn.execute(
                sa.text("SELECT text_hash, response_id FROM public_feedback")
            ).one()
        assert [r.text_hash for r in rows] == [
            text_hash(CAMPAIGN),
            text_hash(CAMPAIGN),
            text_hash(CAMPAIGN + "谢谢"),
            text_hash("建议增设电动自行车充电桩。"),
        ]
        assert [r.group_key for r in rows][:3] == ["kept-key"] * 3
        assert rows[3].group_key == rows[3].text_hash
        assert {r.channel for r in rows} == {"online"}
        assert feedback.text_hash == text_hash("停车位不足。") and feedback.response_id is None
        upgrade()  # and on to the head
