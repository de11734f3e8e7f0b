"""Who people are and what they may reach: users, profiles, roles, groups, queues, sharing."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Access levels, ordered: a higher level includes the lower ones.
NONE, READ, READ_WRITE = "none", "read", "read_write"
ACCESS_LEVELS = [(READ, _("Read Only")), (READ_WRITE, _("Read/Write"))]

# Organisation-wide default values.
OWD_PRIVATE, OWD_READ, OWD_READ_WRITE, OWD_PARENT = "private", "read", "read_write", "parent"
OWD_CHOICES = [
    (OWD_PRIVATE, _("Private")),
    (OWD_READ, _("Public Read Only")),
    (OWD_READ_WRITE, _("Public Read/Write")),
    (OWD_PARENT, _("Controlled by Parent")),
]
OWD_RANK = {OWD_PRIVATE: 0, OWD_PARENT: 0, OWD_READ: 1, OWD_READ_WRITE: 2}

# Who a sharing rule, group membership or manual share points at.
TARGET_USER, TARGET_ROLE, TARGET_ROLE_SUBS, TARGET_GROUP = (
    "user",
    "role",
    "role_and_subordinates",
    "group",
)
TARGET_KINDS = [
    (TARGET_USER, _("User")),
    (TARGET_ROLE, _("Role")),
    (TARGET_ROLE_SUBS, _("Role and Subordinates")),
    (TARGET_GROUP, _("Public Group")),
]

OBJECT_ACTIONS = ("read", "create", "edit", "delete", "view_all", "modify_all")
SYSTEM_PERMISSIONS = [
    ("manage_users", _("Manage Users")),
    ("customize_application", _("Customize Application")),
    ("view_setup", _("View Setup and Configuration")),
    ("view_all_data", _("View All Data")),
    ("modify_all_data", _("Modify All Data")),
    ("export_reports", _("Export Reports")),
    ("run_reports", _("Run Reports")),
    ("api_enabled", _("API Enabled")),
    ("transfer_records", _("Transfer Record")),
]


class Profile(models.Model):
    """A set of permissions: what a user may do with each object and in the system."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    is_standard = models.BooleanField(_("standard"), default=False)
    is_external = models.BooleanField(
        _("for external users"), default=False, help_text=_("Partner users get this profile.")
    )
    # {"lead": {"read": true, "create": true, ...}, ...}
    object_permissions = models.JSONField(_("object permissions"), default=dict, blank=True)
    # {"manage_users": true, ...}
    system_permissions = models.JSONField(_("system permissions"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return self.name

    def has_object_permission(self, object_name: str, action: str) -> bool:
        perms = self.object_permissions.get(object_name, {})
        # Modify All implies every action; View All implies Read.
        if perms.get("modify_all"):
            return True
        if action == "read" and perms.get("view_all"):
            return True
        return bool(perms.get(action))

    def has_system_permission(self, name: str) -> bool:
        return bool(self.system_permissions.get(name))


class Role(models.Model):
    """A node of the role hierarchy: who needs whose data, not the org chart."""

    name = models.CharField(_("name"), max_length=80)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    partner_account = models.ForeignKey(
        "sales.Account",
        verbose_name=_("partner account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="partner_roles",
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return self.name


class RoleClosure(models.Model):
    """Every (ancestor, descendant) pair of the hierarchy, self included at depth 0.

    Rebuilt whole by access.hierarchy.rebuild_role_closure() whenever a role moves;
    roles are few, records are many, so this is the cheap side to keep current.
    """

    ancestor = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    descendant = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    depth = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ancestor", "descendant"], name="role_closure_pair")
        ]
        indexes = [models.Index(fields=["descendant", "ancestor"])]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A person who logs in by email: an employee, or a partner company's staff (external)."""

    email = models.EmailField(_("email"), unique=True)
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80)
    title = models.CharField(_("title"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    profile = models.ForeignKey(
        Profile, verbose_name=_("profile"), on_delete=models.PROTECT, related_name="users"
    )
    role = models.ForeignKey(
        Role,
        verbose_name=_("role"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
    )
    manager = models.ForeignKey(
        "self", verbose_name=_("manager"), null=True, blank=True, on_delete=models.SET_NULL
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_external = models.BooleanField(
        _("external (partner) user"), default=False, editable=False
    )
    contact = models.OneToOneField(
        "sales.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_user",
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["role"])]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def partner_account_id(self):
        return self.contact.account_id if self.is_external and self.contact_id else None

    def has_system_permission(self, name: str) -> bool:
        return self.is_active and self.profile.has_system_permission(name)

    @property
    def is_admin(self) -> bool:
        return self.has_system_permission("customize_application")


class Group(models.Model):
    """A public group or a queue: a named set of users, roles and other groups.

    Queues are groups that can own records (Salesforce models them the same way).
    """

    KIND_GROUP, KIND_QUEUE = "group", "queue"
    KINDS = [(KIND_GROUP, _("Public Group")), (KIND_QUEUE, _("Queue"))]

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("type"), max_length=10, choices=KINDS, default=KIND_GROUP)
    email = models.EmailField(_("queue email"), blank=True)
    # Objects a queue may own, e.g. ["lead"].
    queue_objects = models.JSONField(_("supported objects"), default=list, blank=True)
    send_email_to_members = models.BooleanField(_("send email to members"), default=False)
    partner_account = models.ForeignKey(
        "sales.Account",
        verbose_name=_("partner account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_queues",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="group_kind_name")]

    def __str__(self):
        return self.name


class GroupMember(models.Model):
    """One member of a group or queue: a user, a role, a role with its subordinates, or a group."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(_("member type"), max_length=24, choices=TARGET_KINDS)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    member_group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="member_of"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("group member")
        verbose_name_plural = _("group members")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.user or self.role or self.member_group}"


class OrgDefault(models.Model):
    """Organisation-wide defaults for one object: the baseline for internal and external users."""

    object_name = models.CharField(_("object"), max_length=40, unique=True)
    internal_access = models.CharField(
        _("default internal access"), max_length=12, choices=OWD_CHOICES, default=OWD_PRIVATE
    )
    external_access = models.CharField(
        _("default external access"), max_length=12, choices=OWD_CHOICES, default=OWD_PRIVATE
    )
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["object_name"]
        verbose_name = _("organisation-wide default")
        verbose_name_plural = _("organisation-wide defaults")

    def __str__(self):
        return self.object_name


class SharingRule(models.Model):
    """Opens records beyond the defaults: by owner (records owned by X) or by criteria."""

    KIND_OWNER, KIND_CRITERIA = "owner", "criteria"
    KINDS = [(KIND_OWNER, _("Based on record owner")), (KIND_CRITERIA, _("Based on criteria"))]

    object_name = models.CharField(_("object"), max_length=40)
    name = models.CharField(_("label"), max_length=80)
    description = models.CharField(_("description"), max_length=255, blank=True)
    kind = models.CharField(_("rule type"), max_length=10, choices=KINDS, default=KIND_OWNER)
    source_kind = models.CharField(
        _("owned by members of"), max_length=24, choices=TARGET_KINDS[1:], blank=True
    )
    source_id = models.BigIntegerField(_("source"), null=True, blank=True)
    # [{"field": "lead_source", "op": "equals", "value": "Web"}, ...]
    criteria = models.JSONField(_("criteria"), default=list, blank=True)
    criteria_logic = models.CharField(
        _("criteria logic"), max_length=3, choices=[("and", "AND"), ("or", "OR")], default="and"
    )
    target_kind = models.CharField(_("share with"), max_length=24, choices=TARGET_KINDS[1:])
    target_id = models.BigIntegerField(_("share with"))
    access_level = models.CharField(_("access level"), max_length=12, choices=ACCESS_LEVELS)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["object_name", "name"]
        verbose_name = _("sharing rule")
        verbose_name_plural = _("sharing rules")
        indexes = [models.Index(fields=["object_name", "is_active"])]

    def __str__(self):
        return self.name


class RecordShare(models.Model):
    """A manual share: one record opened to a user, role or group."""

    object_name = models.CharField(_("object"), max_length=40)
    record_id = models.BigIntegerField(_("record"))
    target_kind = models.CharField(_("share with"), max_length=24, choices=TARGET_KINDS)
    target_id = models.BigIntegerField(_("share with"))
    access_level = models.CharField(_("access level"), max_length=12, choices=ACCESS_LEVELS)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("manual share")
        verbose_name_plural = _("manual shares")
        indexes = [
            models.Index(fields=["object_name", "target_kind", "target_id", "record_id"]),
            models.Index(fields=["object_name", "record_id"]),
        ]

    def __str__(self):
        return f"{self.object_name}#{self.record_id} → {self.target_kind}:{self.target_id}"


class LoginHistory(models.Model):
    """One login attempt by a known user, for the Login History report and the Adoption dashboard.

    Written by the receivers in access/apps.py on Django's user_logged_in and
    user_login_failed signals (a failed attempt is recorded only when the email is a user's).
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    login_at = models.DateTimeField(_("login time"), default=timezone.now)
    success = models.BooleanField(_("success"), default=True)
    source_ip = models.CharField(_("source IP"), max_length=45, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)

    class Meta:
        ordering = ["-login_at", "-id"]
        verbose_name = _("login history")
        verbose_name_plural = _("login history")
        indexes = [models.Index(fields=["user", "-login_at"]), models.Index(fields=["login_at"])]

    def __str__(self):
        return f"{self.user_id} @ {self.login_at:%Y-%m-%d %H:%M}"
