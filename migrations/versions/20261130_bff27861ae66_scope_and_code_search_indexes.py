"""Scope index on cases, referrals carrying their case's unit, code search indexes.

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
        batch_op.add_column(sa.Column('follow_up_due_on', sa.Date(), nullable=True))
        batch_op.drop_index('ix_cases_unit_status')
        batch_op.create_index('ix_cases_scope', ['unit_id', 'status', 'current_risk', 'category',
                                                 'detected_on', 'counselor_id', 'id', 'client_id',
                                                 'age_at_detection', 'follow_up_due_on'],
                                unique=False)
        batch_op.create_unique_constraint('uq_cases_id_unit_id', ['id', 'unit_id'])

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
    op.execute('UPDATE referrals SET unit_id = '
               '(SELECT cases.unit_id FROM cases WHERE cases.id = referrals.case_id)')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.alter_column('unit_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index('ix_referrals_unit_state', ['unit_id', 'state', 'case_id',
                                                          'service_type_id', 'received_on'],
                              unique=False)
        batch_op.create_index('ix_referrals_unit_override', ['unit_id'], unique=False,
                              postgresql_where=sa.text('consent_override'),
                              sqlite_where=sa.text('consent_override'))
        batch_op.create_foreign_key('fk_referrals_case_unit_cases', 'cases',
                                    ['case_id', 'unit_id'], ['id', 'unit_id'],
                                    onupdate='CASCADE')

    op.create_index('ix_clients_id_sex', 'clients', ['id', 'sex'], unique=False)
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_index('ix_consultations_case_id')
        batch_op.create_index('ix_consultations_case_held',
                              ['case_id', 'held_at', 'follow_up_on'], unique=False)
    # The earliest pending follow-up of each case (caseapp/consultations/due.py).
    op.execute('UPDATE cases SET follow_up_due_on = ('
               'SELECT MIN(c.follow_up_on) FROM consultations c '
               'WHERE c.case_id = cases.id AND c.follow_up_on IS NOT NULL '
               'AND NOT EXISTS (SELECT 1 FROM consultations l '
               'WHERE l.case_id = c.case_id AND l.held_at > c.held_at))')

    # Last: on SQLite a batch operation rebuilds its table without indexes on expressions
    # (they cannot be reflected there). A later migration that rebuilds cases or clients
    # in batch mode must create these again.
    op.create_index('ix_cases_code_upper', 'cases', [sa.text('upper(code)')], unique=False)
    op.create_index('ix_clients_code_upper', 'clients', [sa.text('upper(code)')], unique=False)


def downgrade():
    op.drop_index('ix_clients_code_upper', table_name='clients')
    op.drop_index('ix_cases_code_upper', table_name='cases')
    op.drop_index('ix_clients_id_sex', table_name='clients')
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_index('ix_consultations_case_held')
        batch_op.create_index('ix_consultations_case_id', ['case_id'], unique=False)
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_constraint('fk_referrals_case_unit_cases', type_='foreignkey')
        batch_op.drop_index('ix_referrals_unit_override')
        batch_op.drop_index('ix_referrals_unit_state')
        batch_op.drop_column('unit_id')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint('uq_cases_id_unit_id', type_='unique')
        batch_op.drop_index('ix_cases_scope')
        batch_op.create_index('ix_cases_unit_status', ['unit_id', 'status'], unique=False)
        batch_op.drop_column('follow_up_due_on')
