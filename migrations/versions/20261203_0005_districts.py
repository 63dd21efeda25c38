"""districts: county-level places, and how far an area reaches

Locales gain a district (GeoNames admin2: a county or district) and, for areas, their
extent in km, so that a member who gave only an area is never given a distance; the
precision "district" joins city, region and country.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("locales", schema=None) as batch_op:
        batch_op.add_column(sa.Column("district_code", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("district_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("extent_km", sa.Float(), nullable=True))
        batch_op.drop_constraint(op.f("ck_locales_precision_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_locales_precision_known"), "precision IN ('city', 'district', 'region', 'country')"
        )
        batch_op.create_index("ix_locales_country_district", ["country_code", "district_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("locales", schema=None) as batch_op:
        batch_op.drop_index("ix_locales_country_district")
        batch_op.drop_constraint(op.f("ck_locales_precision_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_locales_precision_known"), "precision IN ('city', 'region', 'country')"
        )
        batch_op.drop_column("extent_km")
        batch_op.drop_column("district_name")
        batch_op.drop_column("district_code")
