"""The product's routes plus /bench/baseline/."""

from django.urls import path

from bench.views import baseline
from redvest.urls import urlpatterns as product_urlpatterns

urlpatterns = [path("bench/baseline/", baseline, name="bench-baseline"), *product_urlpatterns]
