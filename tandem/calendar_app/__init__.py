"""Calendar: day/week/month views, reminders, iCalendar feeds and vCards."""
