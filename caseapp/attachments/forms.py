from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from caseapp.forms_common import required


class UploadForm(FlaskForm):
    file = FileField(_l("File (PDF, JPEG or PNG)"), validators=[required()])


class DeleteForm(FlaskForm):
    pass
