"""Indexes for supervisor scopes and code search at national size.

Revision ID: bff27861ae66
Revises: 48889e3348d6
Create Date: 2026-11-30 07:44:26.566338

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bff27861ae66'
down_revision = '48889e3348d6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_unit_status')
        batch_op.create_index('ix_cases_scope', ['unit_id', 'status', 'current_risk', 'category',
                                                 'detected_on', 'counselor_id', 'id'], unique=False)
    op.create_index('ix_cases_code_upper', 'cases', [sa.text('upper(code)')], unique=False)
    op.create_index('ix_clients_code_upper', 'clients', [sa.text('upper(code)')], unique=False)


def downgrade():
    op.drop_index('ix_clients_code_upper', table_name='clients')
    op.drop_index('ix_cases_code_upper', table_name='cases')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_scope')
        batch_op.create_index('ix_cases_unit_status', ['unit_id', 'status'], unique=False)
