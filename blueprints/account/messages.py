"""My message choices: which topics also come by e-mail (in-app notifications always arrive), and
a test e-mail to my own address (queued, sent by the delivery job)."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from blueprints.account import bp
from blueprints.web import commit_operation
from services import mail, notifications


@bp.route("/messages", methods=["GET", "POST"])
@login_required
def messages():
    """The e-mail switch of each topic my role receives; POST saves the ticked ones (CSRF)."""
    if request.method == "POST":
        wanted = set(request.form.getlist("email"))
        commit_operation(lambda: notifications.save_email_choices(current_user, wanted),
                         success="提醒方式已保存", errors=())
        return redirect(url_for("account.messages"))
    return render_template("account/messages.html",
                           choices=notifications.email_choices(current_user),
                           mail_enabled=mail.enabled(),
                           has_email=bool((current_user.email or "").strip()))


@bp.route("/messages/test", methods=["POST"])
@login_required
def messages_test():
    """Queue a test e-mail to my own address."""
    outcome = commit_operation(lambda: notifications.queue_test_email(current_user), errors=())
    if outcome.value is None:
        flash("无法发送测试邮件：平台未配置邮件服务器，或您的账号没有登记电子信箱", "warning")
    else:
        flash("测试邮件已排队，一分钟左右发到您的邮箱", "success")
    return redirect(url_for("account.messages"))
