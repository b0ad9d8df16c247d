"""Small pieces every domain shares: errors, time, access control, i18n."""
