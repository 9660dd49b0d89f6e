echo checking
curl -sk https://127.0.0.1/health && echo ok
