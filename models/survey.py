"""科技工作者状况调查 (SPEC §5.10): surveys, their questions, one-time codes, responses and answers.

Answers are one row per chosen value: a single or scale question gives one row, a multiple-choice
question one row per option ticked, a text question one row with its text. Counts per option,
averages and "answered" are then plain GROUP BYs, whatever the number of responses. A response
keeps its Home and representative (for completion) and never a client address; an anonymous
survey's responses carry no code either.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, UTCDateTime, enum_column, utcnow
from models.enums import QuestionKind, SurveyStatus


class Survey(TimestampMixin, Base):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    intro: Mapped[str] = mapped_column(sa.Text, default="")
    opens_on: Mapped[date] = mapped_column(sa.Date)
    closes_on: Mapped[date] = mapped_column(sa.Date)
    anonymous: Mapped[bool] = mapped_column(default=True)
    code_required: Mapped[bool] = mapped_column(default=False)
    status: Mapped[SurveyStatus] = enum_column(SurveyStatus, "survey_status",
                                               default=SurveyStatus.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    copied_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    questions: Mapped[list["SurveyQuestion"]] = relationship(
        back_populates="survey", cascade="all, delete-orphan",
        order_by="SurveyQuestion.position")

    __table_args__ = (
        sa.CheckConstraint("closes_on >= opens_on", name="window_order"),
        sa.Index("ix_surveys_status_opens_on", "status", "opens_on"),
    )

    def __repr__(self):
        return f"<Survey {self.id} {self.title}>"


class SurveyQuestion(Base):
    __tablename__ = "survey_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(sa.String(500))
    kind: Mapped[QuestionKind] = enum_column(QuestionKind, "question_kind")
    # The option texts of a single or multiple question, in order; [] for text and scale.
    options: Mapped[list] = mapped_column(sa.JSON, default=list)
    required: Mapped[bool] = mapped_column(default=True)

    survey: Mapped[Survey] = relationship(back_populates="questions")


class SurveyCode(Base):
    """A one-time answer code of one Home (only its SHA-256 digest is kept)."""

    __tablename__ = "survey_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"))
    home_id: Mapped[int] = mapped_column(sa.ForeignKey("homes.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set once, by the conditional UPDATE that claims the code.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_survey_codes_survey_id_home_id", "survey_id", "home_id"),)


class SurveyResponse(Base):
    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"))
    home_id: Mapped[int | None] = mapped_column(sa.ForeignKey("homes.id", ondelete="SET NULL"))
    representative_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    # The code answered with (named surveys only: an anonymous survey links no code).
    code_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("survey_codes.id", ondelete="SET NULL"), unique=True)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.Index("ix_survey_responses_survey_id_home_id", "survey_id", "home_id"),
        sa.Index("ix_survey_responses_survey_id_representative_id", "survey_id",
                 "representative_id"),
    )


class SurveyAnswer(Base):
    """One value of one question in one response: `choice` (an option's text) for single and
    multiple (one row per option ticked), `number` (1–5) for scale, `text` for text."""

    __tablename__ = "survey_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_questions.id", ondelete="CASCADE"))
    choice: Mapped[str | None] = mapped_column(sa.String(200))
    number: Mapped[int | None] = mapped_column()
    text: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.CheckConstraint("number IS NULL OR number BETWEEN 1 AND 5", name="scale_range"),
        sa.Index("ix_survey_answers_question_id_choice", "question_id", "choice"),
    )
