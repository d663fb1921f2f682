"""The product's routes plus /bench/baseline/ and /bench/insert/ (the check-in burst's baseline)."""

from django.urls import path

from bench.views import baseline, insert
from redvest.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench/baseline/", baseline, name="bench-baseline"),
    path("bench/insert/", insert, name="bench-insert"),
    *product_urlpatterns,
]
